// office365.cc - Office 365 / Exchange Online non-delivery reports sent as text only
// (no delivery-status part): "Delivery has failed to these recipients or groups:",
// then "Diagnostic information for administrators:", "Generating server: host" and,
// per recipient, the address on its own line followed by
// "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'".
#include <string>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

bool microsoft_hosted(const ReaderInput& in, std::string_view generating) {
  if (contains_any(generating, {".outlook.com", ".office365.com", "outlook.office365"})) return true;
  if (contains_any(in.from, {"onmicrosoft.com", "@outlook.com", "office365"})) return true;
  for (const auto& f : in.msg.headers.fields())
    if (istarts_with(f.name, "X-MS-Exchange-") || istarts_with(f.name, "X-Microsoft-Antispam"))
      return true;
  return false;
}

class Office365Reader : public FormatReader {
 public:
  std::string_view name() const override { return "office365"; }
  int order() const override { return 45; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (in.has_dsn) return false;
    std::string_view body = in.no_original;
    std::size_t p = ifind(body, "Diagnostic information for administrators:");
    if (p == std::string_view::npos) return false;
    std::string_view diag_part = body.substr(p);
    std::string generating(rest_of_line(diag_part, "Generating server:"));
    if (!microsoft_hosted(in, generating)) return false;

    std::size_t before = report.recipients.size();
    RecipientFacts cur;
    std::string text;
    auto flush = [&] {
      if (cur.recipient.empty()) return;
      std::string d = clean_diagnostic(text);
      cur.diagnostic = d;
      cur.reply_code = leading_reply_code(d);
      cur.action = "failed";
      cur.diagnostic_type = "SMTP";
      complete_command(cur);
      add_or_merge(report, std::move(cur));
      cur = RecipientFacts{};
      text.clear();
    };
    for (std::string_view line : split_lines(diag_part)) {
      std::string_view t = trim(line);
      if (t.empty() || istarts_with(t, "Diagnostic information") || istarts_with(t, "Generating server:"))
        continue;
      // "Remote Server returned '...'" / "#550 5.1.1 ... ##rfc822;x@example.org"
      if (istarts_with(t, "Remote Server returned") || istarts_with(t, "Remote server returned")) {
        std::string_view v = t.substr(22);
        v = trim(v);
        if (!v.empty() && v.front() == '\'') v.remove_prefix(1);
        if (!v.empty() && v.back() == '\'') v.remove_suffix(1);
        if (!cur.recipient.empty()) {
          if (!text.empty()) text.push_back(' ');
          text.append(v);
        }
        continue;
      }
      std::string a;
      if (t.find(' ') == std::string_view::npos && t.find('@') != std::string_view::npos)
        a = normalize_address(t);
      if (!a.empty()) {
        flush();
        cur.recipient = a;
        cur.remote_mta.clear();
        continue;
      }
      if (t.front() == '[' || t.front() == '{') continue;  // "[{LRT}=...]" timing lines
      if (!cur.recipient.empty() && text.empty()) {
        // Exchange's older shape: "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##"
        std::string_view v = t;
        while (!v.empty() && v.front() == '#') v.remove_prefix(1);
        if (std::size_t h = v.find(" ##"); h != std::string_view::npos) v = v.substr(0, h);
        text.append(trim(v));
      }
    }
    flush();
    if (report.recipients.size() == before) {
      // Fall back on the user part: "Delivery has failed to these recipients or groups:"
      auto lines = lines_after(body, "Delivery has failed to these recipients", {"Diagnostic information"});
      for (auto l : lines) {
        std::string a = first_address(l);
        if (a.empty()) continue;
        RecipientFacts r;
        r.recipient = a;
        r.action = "failed";
        add_or_merge(report, std::move(r));
      }
    }
    for (std::size_t i = before; i < report.recipients.size(); ++i)
      if (report.recipients[i].remote_mta.empty()) report.recipients[i].remote_mta = leading_host(generating);
    return report.recipients.size() > before;
  }
};

}  // namespace
}  // namespace bounced

using bounced::Office365Reader;
BOUNCED_REGISTER_READER(Office365Reader)
