// opensmtpd.cc - OpenSMTPD's failure notices without a delivery-status part:
//
//   Hi!
//
//   This is the MAILER-DAEMON, please DO NOT REPLY to this email.
//
//   An error has occurred while attempting to deliver a message for
//   the following list of recipients:
//
//   user@example.org: 550 5.1.1 <user@example.org>: Recipient address rejected
//
//   Below is a copy of the original message:
#include <string>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "report/command.h"

namespace bounced {
namespace {

class OpensmtpdReader final : public FormatReader {
 public:
  std::string_view name() const override { return "opensmtpd"; }
  int order() const override { return 250; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view body(in.body);
    std::size_t start = ifind(body, "following list of recipients");
    if (start == std::string_view::npos || !icontains(body, "This is the MAILER-DAEMON")) return false;
    std::size_t nl = body.find('\n', start);
    if (nl == std::string_view::npos) return false;
    std::size_t end = ifind(body, "Below is a copy of the original message", nl);
    std::string_view region = body.substr(nl + 1, end == std::string_view::npos ? std::string_view::npos : end - nl - 1);
    std::size_t before = report.recipients.size();
    read_address_blocks(region, report, true);
    for (std::size_t i = before; i < report.recipients.size(); ++i) {
      auto& r = report.recipients[i];
      if (r.command.empty()) r.command = command_in_text(r.diagnostic);
    }
    return report.recipients.size() > before;
  }
};

}  // namespace

BOUNCED_REGISTER_READER(OpensmtpdReader)

}  // namespace bounced
