// googlegroups.cc - Google Groups refusing a post: mailer-daemon@googlemail.com sends
// a localized plain-text notice ("the group you tried to contact (name) may not
// exist, or you may not have permission to post") with the group's address in
// X-Failed-Recipients and no delivery-status part.
#include <string>

#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

class GoogleGroupsReader : public FormatReader {
 public:
  std::string_view name() const override { return "googlegroups"; }
  int order() const override { return 35; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    if (!icontains(in.from, "mailer-daemon@googlemail.com") && !icontains(in.from, "mailer-daemon@google.com"))
      return false;
    std::string_view body = in.no_original;
    if (!icontains(body, "groups.google.com") && !icontains(body, "Google Groups")) return false;
    std::vector<std::string> rcpts = failed_recipients_header(in.msg);
    if (rcpts.empty()) return false;

    // The explanation: the paragraphs after the greeting, up to the help-centre line.
    std::string text;
    bool greeting_seen = false;
    for (std::string_view line : split_lines(body)) {
      std::string_view t = trim(line);
      if (!greeting_seen) {
        if (!t.empty()) greeting_seen = true;
        continue;
      }
      if (icontains(t, "groups.google.com")) break;
      if (t.empty()) continue;
      if (!text.empty()) text.push_back(' ');
      text.append(t);
    }
    std::string diag = clean_diagnostic(text);
    for (const auto& a : rcpts) {
      RecipientFacts r;
      r.recipient = a;
      r.action = "failed";
      r.diagnostic = diag;
      r.command = "DATA";
      add_or_merge(report, std::move(r));
    }
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::GoogleGroupsReader;
BOUNCED_REGISTER_READER(GoogleGroupsReader)
