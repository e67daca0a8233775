// messagingserver.cc - Oracle (Sun ONE / iPlanet) Communications Messaging Server.
// Its report pairs a delivery-status part with a text part that says, per recipient,
// "Recipient address: x" and "Reason: text" (and, for delays, a "Delivery attempt
// history"). The DSN often lacks a Diagnostic-Code, and its Final-recipient may be
// a source route ("@host:user@server") while Original-recipient holds the address.
#include <string>
#include <vector>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"

namespace bounced {
namespace {

struct TextEntry {
  std::string address;  // as written
  std::string reason;
};

class MessagingServerReader : public FormatReader {
 public:
  std::string_view name() const override { return "messagingserver"; }
  int order() const override { return 50; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (!in.has_dsn || report.recipients.empty()) return false;
    std::string_view body = in.body;
    if (!icontains(body, "This report relates to a message you sent with the following header fields") &&
        !icontains(report.reporting_mta, "(tcp-daemon)"))
      return false;
    std::vector<TextEntry> entries;
    for (std::string_view line : split_lines(body)) {
      std::string_view t = trim(line);
      if (istarts_with(t, "Recipient address:")) {
        if (entries.size() < 1000) entries.push_back({std::string(trim(t.substr(18))), {}});
      } else if (istarts_with(t, "Reason:") && !entries.empty() && entries.back().reason.empty()) {
        entries.back().reason = clean_diagnostic(t.substr(7));
      }
    }
    for (auto& r : report.recipients) {
      // Final-recipient "@relay:user@server" is a source route: take the original address.
      if (!r.original_recipient.empty() && (r.recipient.empty() || r.recipient.front() == '@'))
        r.recipient = r.original_recipient;
      if (r.diagnostic.empty()) {
        for (const auto& e : entries) {
          std::string a = normalize_address(e.address);
          bool match = iequals(a, r.recipient) || iequals(a, r.original_recipient) ||
                       (entries.size() == 1 && report.recipients.size() == 1);
          if (!match) continue;
          r.diagnostic = e.reason;
          break;
        }
      }
      // "smtp.example.net (mx. -- Server LMTP [...])": the host without the comment.
      if (std::string h = leading_host(r.remote_mta); !h.empty()) r.remote_mta = h;
      complete_command(r);
    }
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::MessagingServerReader;
BOUNCED_REGISTER_READER(MessagingServerReader)
