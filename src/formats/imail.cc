// imail.cc - Ipswitch IMail Server (X-Mailer: <SMTP32 vN.NN>) undeliverable notices:
//
//   Unknown user: user@example.org
//   User mailbox exceeds allowed size: user@example.org
//   Invalid final delivery userid: user@example.org
//
//   Original message follows.
//
// Each failure is one line, "<reason>: <address>"; the reason is the diagnostic.
#include <cctype>
#include <string>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

class ImailReader final : public FormatReader {
 public:
  std::string_view name() const override { return "imail"; }
  int order() const override { return 270; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    if (!istarts_with(trim(in.msg.headers.get("X-Mailer")), "<SMTP32")) return false;
    std::string_view body(in.body);
    std::size_t end = ifind(body, "Original message follows");
    std::string_view region = body.substr(0, end);
    std::size_t before = report.recipients.size();
    RecipientFacts* last = nullptr;
    for (std::string_view line : split_lines(region)) {
      std::string_view t = trim(line);
      if (t.empty()) continue;
      // "Body of message generated response:" is followed by the remote's reply lines.
      if (last && t.size() > 4 && (t[0] == '4' || t[0] == '5') && std::isdigit(static_cast<unsigned char>(t[1]))) {
        if (last->diagnostic.size() < limits::kMaxDiagnostic)
          last->diagnostic.append(last->diagnostic.empty() ? "" : " ").append(t);
        continue;
      }
      if (t.find('@') == std::string_view::npos) continue;
      std::string addr = first_address(t);
      if (addr.empty() || is_mailer_address(addr) || istarts_with(t, "To:") || istarts_with(t, "CC:") ||
          istarts_with(t, "From:"))
        continue;
      std::string_view reason = t.substr(0, ifind(t, addr));
      while (!reason.empty() && (reason.back() == ':' || reason.back() == ' ' || reason.back() == '<'))
        reason.remove_suffix(1);
      RecipientFacts r;
      r.recipient = addr;
      if (!iequals(reason, "undeliverable to")) r.diagnostic = squeeze_spaces(reason).substr(0, limits::kMaxDiagnostic);
      last = &add_or_merge(report, std::move(r));
    }
    return report.recipients.size() > before;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(ImailReader)

}  // namespace bounced
