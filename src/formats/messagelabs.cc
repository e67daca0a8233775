// messagelabs.cc - Symantec/Broadcom Email Security.cloud (MessageLabs). The text part
// reads "I was unable to deliver your message to the following addresses:", the
// addresses, then "Reason:" and the remote answer, possibly over several lines. Its
// delivery-status part writes a multi-line Diagnostic-Code without folding, so the
// text part is the reliable source of the answer.
#include <string>
#include <vector>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

class MessageLabsReader : public FormatReader {
 public:
  std::string_view name() const override { return "messagelabs"; }
  int order() const override { return 50; }

  bool read(const ReaderInput& in, Report& report) const override {
    bool ml = icontains(in.from, "messagelabs.com") || icontains(in.body, "Email Security.cloud") ||
              icontains(report.reporting_mta, "messagelabs.com");
    if (!ml) return false;
    std::string_view body = in.body;
    std::size_t p = ifind(body, "unable to deliver your message to the following address");
    if (p == std::string_view::npos) return false;
    body = body.substr(p);
    std::vector<std::string> rcpts;
    std::string reason;
    bool in_reason = false;
    bool first = true;
    for (std::string_view line : split_lines(body)) {
      if (first) {
        first = false;
        continue;
      }
      std::string_view t = trim(line);
      if (istarts_with(t, "Reason:")) {
        in_reason = true;
        reason.append(t.substr(7));
        continue;
      }
      if (in_reason) {
        if (t.empty() || istarts_with(t, "The message subject was")) break;
        reason.push_back(' ');
        reason.append(t);
        continue;
      }
      if (t.empty()) continue;
      std::string a;
      if (t.find(' ') == std::string_view::npos) a = normalize_address(t);
      if (!a.empty() && rcpts.size() < 1000) rcpts.push_back(a);
    }
    std::string diag = clean_diagnostic(reason);
    if (in.has_dsn && !report.recipients.empty()) {
      for (auto& r : report.recipients) {
        if (r.diagnostic.empty() && !diag.empty()) r.diagnostic = diag;
        if (r.reply_code.empty()) r.reply_code = leading_reply_code(r.diagnostic);
        complete_command(r);
      }
      return true;
    }
    if (rcpts.empty()) return false;
    add_failed_recipients(report, rcpts, diag);
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::MessageLabsReader;
BOUNCED_REGISTER_READER(MessageLabsReader)
