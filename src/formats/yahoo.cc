// yahoo.cc - Yahoo! Mail's "Failure Notice": "Sorry, we were unable to deliver your
// message to the following address." then "<address>:" and the remote answer, with
// the failed SMTP step in brackets ("[RCPT_TO]", "[MAIL_FROM]", "[DATA]").
#include <string>

#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

std::string bracket_command(std::string& diag) {
  static const std::pair<std::string_view, std::string_view> steps[] = {
      {"[RCPT_TO]", "RCPT"}, {"[MAIL_FROM]", "MAIL"}, {"[DATA]", "DATA"},
      {"[DATA_END]", "DATA"}, {"[EHLO]", "HELO"},     {"[HELO]", "HELO"},
      {"[CONNECT]", "CONN"}, {"[STARTTLS]", "STARTTLS"}};
  for (const auto& [mark, cmd] : steps) {
    std::size_t p = ifind(diag, mark);
    if (p != std::string::npos) {
      diag.erase(p, mark.size());
      diag = squeeze_spaces(diag);
      return std::string(cmd);
    }
  }
  return {};
}

class YahooReader : public FormatReader {
 public:
  std::string_view name() const override { return "yahoo"; }
  int order() const override { return 30; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    static constexpr std::string_view kLead = "Sorry, we were unable to deliver your message to the following address";
    // Older Yahoo! text: "Unable to deliver message to the following address(es)."
    static constexpr std::string_view kOldLead = "Unable to deliver message to the following address(es)";
    std::size_t start = ifind(in.body, kLead);
    if (start == std::string::npos && (icontains(in.from, "yahoo") || icontains(in.subject, "Failure Notice")))
      start = ifind(in.body, kOldLead);
    if (start == std::string::npos) return false;
    std::string_view body = cut_original(std::string_view(in.body).substr(start));
    std::size_t end = ifind(body, "--- Below this line is a copy of the message");
    if (end != std::string_view::npos) body = body.substr(0, end);

    std::size_t before = report.recipients.size();
    RecipientFacts cur;
    std::string text;
    auto flush = [&] {
      if (cur.recipient.empty()) return;
      std::string d = clean_diagnostic(text);
      if (istarts_with(d, "Remote host said:")) d = clean_diagnostic(std::string_view(d).substr(17));
      cur.command = bracket_command(d);
      cur.diagnostic = d;
      cur.reply_code = leading_reply_code(d);
      cur.action = "failed";
      cur.diagnostic_type = "SMTP";
      complete_command(cur);
      add_or_merge(report, std::move(cur));
      cur = RecipientFacts{};
      text.clear();
    };
    bool first = true;
    for (std::string_view line : split_lines(body)) {
      if (first) {
        first = false;
        continue;
      }
      std::string a = address_line(line);
      if (!a.empty()) {
        flush();
        cur.recipient = a;
        continue;
      }
      std::string_view t = trim(line);
      if (t.empty()) {
        if (!text.empty()) flush();
        continue;
      }
      if (!cur.recipient.empty()) {
        text.push_back(' ');
        text.append(t);
      }
    }
    flush();
    return report.recipients.size() > before;
  }
};

}  // namespace
}  // namespace bounced

using bounced::YahooReader;
BOUNCED_REGISTER_READER(YahooReader)
