// zoho.cc - Zoho Mail (mailer-daemon@mail.zoho.com, X-ZohoMail header). Two layouts:
//  * "address Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 text" lines, the
//    returned header following right after them;
//  * the delay notice "[Status: Error, Address: <address>, ResponseCode 421, , text]".
#include <string>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

bool header_like(std::string_view t) {
  std::size_t c = t.find(':');
  if (c == std::string_view::npos || c == 0 || c > 40) return false;
  for (std::size_t i = 0; i < c; ++i) {
    char ch = t[i];
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-')) return false;
  }
  return true;
}

class ZohoReader : public FormatReader {
 public:
  std::string_view name() const override { return "zoho"; }
  int order() const override { return 30; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    bool zoho = in.msg.headers.has("X-ZohoMail") || icontains(in.from, "@mail.zoho.") ||
                icontains(in.msg.headers.get("X-Mailer"), "Zoho Mail");
    if (!zoho) return false;
    std::size_t before = report.recipients.size();
    bool delay = icontains(in.subject, "(Delay)") || icontains(in.body, "THIS IS A WARNING MESSAGE ONLY");
    RecipientFacts cur;
    std::string text;
    auto flush = [&] {
      if (cur.recipient.empty()) return;
      std::string d = clean_diagnostic(text);
      // "Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <...>... User Unknown"
      constexpr std::string_view kCode = "ERROR_CODE :";
      std::size_t first = ifind(d, kCode);
      if (first != std::string::npos) {
        std::string_view code = std::string_view(d).substr(first + kCode.size());
        std::string rc = leading_reply_code(code);
        std::size_t last = first;
        for (std::size_t next; (next = ifind(d, kCode, last + 1)) != std::string::npos;) last = next;
        std::string answer = clean_diagnostic(std::string_view(d).substr(last + kCode.size()));
        if (!rc.empty() && !answer.starts_with(rc)) answer = rc + " " + answer;
        cur.reply_code = rc;
        d = answer;
      }
      cur.diagnostic = d;
      cur.action = delay ? "delayed" : "failed";
      complete_command(cur);
      add_or_merge(report, std::move(cur));
      cur = RecipientFacts{};
      text.clear();
    };
    std::string_view body = in.no_original;
    for (std::string_view line : split_lines(body)) {
      std::string_view t = trim(line);
      if (istarts_with(t, "[Status:") && icontains(t, "Address:")) {
        flush();
        // [Status: Error, Address: <a@example.org>, ResponseCode 421, , Host not reachable.]
        std::string_view inner = t.substr(1);
        if (!inner.empty() && inner.back() == ']') inner.remove_suffix(1);
        std::size_t ap = ifind(inner, "Address:");
        cur.recipient = first_address(inner.substr(ap + 8));
        std::size_t rp = ifind(inner, "ResponseCode ");
        std::string rest;
        if (rp != std::string_view::npos) {
          std::string_view after = inner.substr(rp + 13);
          cur.reply_code = leading_reply_code(after);
          std::string_view msg = after.substr(std::min(after.size(), cur.reply_code.size()));
          while (!msg.empty() && (msg.front() == ',' || msg.front() == ' ')) msg.remove_prefix(1);
          rest = cur.reply_code.empty() ? std::string(msg) : cur.reply_code + " " + std::string(msg);
        }
        text = rest;
        cur.diagnostic.clear();
        if (cur.recipient.empty()) {
          cur = RecipientFacts{};
          text.clear();
          continue;
        }
        std::string d = clean_diagnostic(text);
        cur.diagnostic = d;
        cur.action = delay ? "delayed" : "failed";
        complete_command(cur);
        add_or_merge(report, std::move(cur));
        cur = RecipientFacts{};
        text.clear();
        continue;
      }
      if (t.empty()) {
        flush();
        continue;
      }
      std::size_t sp = t.find(' ');
      std::string_view head = t.substr(0, sp);
      if (head.find('@') != std::string_view::npos && sp != std::string_view::npos &&
          icontains(t, "ERROR_CODE")) {
        flush();
        cur.recipient = normalize_address(head);
        text = std::string(t.substr(sp + 1));
        continue;
      }
      if (!cur.recipient.empty()) {
        if (header_like(t)) {
          flush();
          continue;
        }
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

using bounced::ZohoReader;
BOUNCED_REGISTER_READER(ZohoReader)
