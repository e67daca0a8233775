// outlook.cc - Outlook.com / Hotmail (postmaster@hotmail.com, postmaster@outlook.com,
// Reporting-MTA *.hotmail.com): "This is an automatically generated Delivery Status
// Notification." and one sentence on what happened ("Delivery to the following
// recipients failed." or "Unable to deliver message to the following recipients, due
// to being unable to connect successfully to the destination mail server."), then the
// indented addresses. The delivery-status part may lack a Diagnostic-Code; then that
// sentence is the only explanation there is.
#include <string>

#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

class OutlookReader : public FormatReader {
 public:
  std::string_view name() const override { return "outlook"; }
  int order() const override { return 50; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (!in.has_dsn || report.recipients.empty()) return false;
    bool hotmail = contains_any(in.from, {"@hotmail.com", "@mail.hotmail.com", "@outlook.com"}) ||
                   contains_any(report.reporting_mta, {".hotmail.com", "outlook.com"});
    if (!hotmail) return false;
    std::string_view body = in.no_original;
    static constexpr std::string_view kLead = "This is an automatically generated Delivery Status Notification";
    std::size_t p = ifind(body, kLead);
    if (p == std::string_view::npos) return false;
    std::string sentence;
    bool first = true;
    for (std::string_view line : split_lines(body.substr(p))) {
      if (first) {
        first = false;
        continue;
      }
      std::string_view t = trim(line);
      if (t.empty()) {
        if (!sentence.empty()) break;
        continue;
      }
      if (t.find('@') != std::string_view::npos) break;  // the address list
      if (!sentence.empty()) sentence.push_back(' ');
      sentence.append(t);
    }
    std::string diag = clean_diagnostic(sentence);
    // The bare "Delivery to the following recipients failed." says nothing more.
    bool informative = !diag.empty() && !istarts_with(diag, "Delivery to the following recipient");
    for (auto& r : report.recipients) {
      if (r.diagnostic.empty() && informative) r.diagnostic = diag;
      complete_command(r);
    }
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::OutlookReader;
BOUNCED_REGISTER_READER(OutlookReader)
