// postfix.cc - Postfix bounces without a delivery-status part (notify, old versions,
// "bounce_notice_recipient" copies):
//
//   This is the mail system at host mx.example.net.
//   ...
//                      The mail system
//
//   <user@example.org>: host mx.example.org[192.0.2.1] said: 550 5.1.1
//       <user@example.org>: Recipient address rejected: User unknown (in reply to
//       RCPT TO command)
//
// Older versions open with "This is the Postfix program at host ...".
#include <string>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "report/command.h"

namespace bounced {
namespace {

class PostfixReader final : public FormatReader {
 public:
  std::string_view name() const override { return "postfix"; }
  int order() const override { return 230; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view body(in.body);
    std::size_t start = std::min(ifind(body, "This is the mail system at host"), ifind(body, "This is the Postfix program"));
    if (start == std::string_view::npos) return false;
    // A delivery-status part flattened into the text is read by the embedded-DSN reader.
    if (icontains(body, "\nFinal-Recipient:")) return false;
    std::string_view region = cut_original(body.substr(start));
    std::size_t system = ifind(region, "The mail system");
    if (system != std::string_view::npos && system > 0) region = region.substr(system);
    std::size_t before = report.recipients.size();
    read_address_blocks(region, report, true);
    for (std::size_t i = before; i < report.recipients.size(); ++i) {
      auto& r = report.recipients[i];
      if (r.command.empty()) r.command = command_in_text(r.diagnostic);
      if (r.remote_mta.empty()) r.remote_mta = find_remote_host(r.diagnostic);
    }
    return report.recipients.size() > before;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(PostfixReader)

}  // namespace bounced
