// amazonworkmail.cc - Amazon WorkMail (X-Mailer: Amazon WorkMail): a text part that
// lists the recipients ("An error occurred while trying to deliver the mail to the
// following recipients:") followed by "Technical report:" and RFC 3464 fields written
// as plain text. An expiry wraps the last remote answer in angle brackets:
// "554 4.4.7 Message expired: unable to deliver in 840 minutes.<421 4.4.2 Connection
// timed out>"; that inner answer carries the codes.
#include <string>

#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"
#include "report/codes.h"
#include "report/dsn.h"

namespace bounced {
namespace {

class AmazonWorkMailReader : public FormatReader {
 public:
  std::string_view name() const override { return "amazonworkmail"; }
  int order() const override { return 20; }

  bool read(const ReaderInput& in, Report& report) const override {
    bool workmail = icontains(in.msg.headers.get("X-Mailer"), "Amazon WorkMail") ||
                    (icontains(in.from, "amazonses.com") &&
                     icontains(in.body, "An error occurred while trying to deliver the mail"));
    if (!workmail) return false;
    if (in.has_dsn) {
      for (auto& r : report.recipients) unwrap(r);
      return !report.recipients.empty();
    }
    std::size_t p = ifind(in.body, "Technical report:");
    if (p == std::string::npos) return false;
    std::string_view fields = cut_original(std::string_view(in.body).substr(p + 17));
    Report tmp;
    if (parse_delivery_status(fields, tmp) == 0) return false;
    if (report.reporting_mta.empty()) report.reporting_mta = tmp.reporting_mta;
    for (auto& r : tmp.recipients) {
      unwrap(r);
      add_or_merge(report, std::move(r));
    }
    return true;
  }

 private:
  static void unwrap(RecipientFacts& r) {
    std::string_view d = r.diagnostic;
    if (d.empty() || d.back() != '>') {
      complete_command(r);
      return;
    }
    std::size_t lt = d.rfind('<');
    if (lt == std::string_view::npos) return;
    std::string_view inner = d.substr(lt + 1, d.size() - lt - 2);
    std::string rc = leading_reply_code(inner);
    if (!rc.empty()) {
      r.reply_code = rc;
      std::string st = find_status_code(inner);
      if (!st.empty()) r.status = st;
    }
    complete_command(r);
  }
};

}  // namespace
}  // namespace bounced

using bounced::AmazonWorkMailReader;
BOUNCED_REGISTER_READER(AmazonWorkMailReader)
