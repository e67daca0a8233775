// dragonfly.cc - the DragonFly Mail Agent (dma), the small MTA of DragonFly BSD and
// some embedded systems:
//
//   This is the DragonFly Mail Agent v0.13 at host.example.net.
//
//   There was an error delivering your mail to <user@example.org>.
//
//   mx.example.org [192.0.2.1] did not like our RCPT TO:
//   550 5.1.1 <user@example.org>: Recipient address rejected: User unknown
//
//   Message headers follow.
#include <string>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "report/command.h"

namespace bounced {
namespace {

class DragonflyReader final : public FormatReader {
 public:
  std::string_view name() const override { return "dragonfly"; }
  int order() const override { return 210; }

  bool read(const ReaderInput& in, Report& report) const override {
    std::string_view body(in.body);
    if (!icontains(body, "This is the DragonFly Mail Agent")) return false;
    constexpr std::string_view kLead = "There was an error delivering your mail to";
    std::size_t p = ifind(body, kLead);
    if (p == std::string_view::npos) return false;
    std::size_t eol = body.find('\n', p);
    std::string addr = first_address(body.substr(p, eol == std::string_view::npos ? std::string_view::npos : eol - p));
    if (addr.empty()) return false;
    std::size_t from = eol == std::string_view::npos ? body.size() : eol + 1;
    std::size_t to = ifind(body, "Message headers follow", from);
    if (to == std::string_view::npos) to = body.size();
    std::string_view text = body.substr(from, to - from);
    RecipientFacts r;
    r.recipient = addr;
    r.diagnostic = squeeze_spaces(text).substr(0, limits::kMaxDiagnostic);
    // "mx.example.org [192.0.2.1] did not like our RCPT TO:" / "... our final DATA:"
    std::string_view first = trim(text);
    std::string_view head = first.substr(0, first.find('\n'));
    std::size_t sp = head.find(' ');
    if (sp != std::string_view::npos && icontains(head, "did not like our")) {
      r.remote_mta = to_lower(head.substr(0, sp));
      if (icontains(head, "RCPT")) r.command = "RCPT";
      else if (icontains(head, "DATA")) r.command = "DATA";
      else if (icontains(head, "MAIL")) r.command = "MAIL";
      else if (icontains(head, "EHLO") || icontains(head, "HELO")) r.command = "HELO";
    }
    if (r.command.empty()) r.command = command_in_text(r.diagnostic);
    add_or_merge(report, std::move(r));
    return true;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(DragonflyReader)

}  // namespace bounced
