// fml.cc - the fml mailing-list manager's refusals: a list that did not take a
// posting tells the poster so, from <list>-admin@, with "X-MLServer: fml ..." and a
// Message-ID that fml made ("<...FML...>"):
//
//   Subject: You user@example.net are not member (example-list ML)
//
//   You are not a member of this mailing list <example-list@example.org>.
//
//   If you know the general guide of this list, please send mail with ...
//
// The same sender also answers commands (guide, help, subscribe), so only a notice
// that says the posting was refused or dropped (not a member, rejected, loop, security
// alert) is read. The recipient is the list address that the notice names (the
// address that did not take the message), else the returned original's To.
#include <string>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

bool refusal_text(std::string_view t) {
  return contains_any(t, {"not a member of this mailing list", "are not member", "not member article from",
                          "reject mail from", "reject spammers:", "spam mail from a spammer is rejected",
                          "may cause mail loop", "has detected a loop condition", "loop back warning",
                          "loop alert:", "unix from loop", "security alert", "duplicated message-id",
                          "fml system error message"});
}

class FmlReader final : public FormatReader {
 public:
  std::string_view name() const override { return "fml"; }
  int order() const override { return 290; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    const HeaderList& h = in.msg.headers;
    if (!istarts_with(trim(h.get("X-MLServer")), "fml")) return false;
    if (!icontains(first_address(in.from), "-admin@")) return false;
    if (!icontains(h.get("Message-ID"), "FML")) return false;
    std::string_view region = in.no_original;
    std::size_t end = ifind(region, "Original mail as follows");
    if (end != std::string_view::npos) region = region.substr(0, end);
    if (!refusal_text(region) && !refusal_text(in.subject)) return false;

    // The paragraph that says why; the address it names (not the poster's own).
    std::string poster = first_address(h.decoded("To"));
    std::string diag, addr;
    std::string paragraph;
    auto take = [&] {
      if (diag.empty() && refusal_text(paragraph)) {
        diag = squeeze_spaces(paragraph);
        for (const auto& a : find_addresses(paragraph))
          if (!is_mailer_address(a) && !icontains(a, "-admin@") && !icontains(a, "-ctl@") &&
              !iequals(a, poster)) {
            addr = a;
            break;
          }
      }
      paragraph.clear();
    };
    for (std::string_view line : split_lines(region)) {
      std::string_view t = trim(line);
      if (t.empty()) {
        take();
        continue;
      }
      if (paragraph.size() < limits::kMaxDiagnostic) paragraph.append(paragraph.empty() ? "" : " ").append(t);
    }
    take();
    if (diag.empty()) diag = in.subject;
    if (addr.empty()) addr = first_address(in.msg.original_headers.decoded("To"));
    if (addr.empty()) return false;
    RecipientFacts r;
    r.recipient = addr;
    r.diagnostic = diag.substr(0, limits::kMaxDiagnostic);
    std::size_t before = report.recipients.size();
    add_or_merge(report, std::move(r));
    return report.recipients.size() > before;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(FmlReader)

}  // namespace bounced
