// gmx.cc - GMX / mail.com and 1&1 (kundenserver) bounces: an Exim-derived text
// ("This message was created automatically by mail delivery software.") that ends
// with "--- The header of the original message is following. ---".
//  * GMX:  "address":  then "SMTP error from remote server after RCPT command:",
//          "host: mx.example.org" and the remote answer.
//  * 1&1:  "The following address failed:" <address> "For the following reason:" text.
#include <string>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

constexpr std::string_view kEnd = "--- The header of the original message is following";

bool looks_like_gmx_family(const ReaderInput& in) {
  if (in.has_dsn) return false;
  if (!icontains(in.body, "created automatically by mail delivery software")) return false;
  return icontains(in.body, kEnd) || in.msg.headers.has("X-UI-Out-Filterresults") ||
         in.msg.headers.has("X-GMX-Antispam");
}

std::string_view report_text(std::string_view body) {
  std::size_t end = ifind(body, kEnd);
  if (end != std::string_view::npos) body = body.substr(0, end);
  return cut_original(body);
}

class GmxReader : public FormatReader {
 public:
  std::string_view name() const override { return "gmx"; }
  int order() const override { return 30; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (!looks_like_gmx_family(in)) return false;
    std::string_view body = report_text(in.body);
    if (icontains(body, "For the following reason:")) return false;  // 1&1's layout
    std::size_t before = report.recipients.size();
    RecipientFacts cur;
    std::string text;
    auto flush = [&] {
      if (cur.recipient.empty()) return;
      cur.diagnostic = clean_diagnostic(text);
      cur.action = "failed";
      cur.diagnostic_type = "SMTP";
      cur.reply_code = leading_reply_code(cur.diagnostic);
      complete_command(cur);
      add_or_merge(report, std::move(cur));
      cur = RecipientFacts{};
      text.clear();
    };
    for (std::string_view line : split_lines(body)) {
      std::string_view t = trim(line);
      std::string a = address_line(t);
      if (!a.empty()) {
        flush();
        cur.recipient = a;
        continue;
      }
      if (cur.recipient.empty() || t.empty()) continue;
      if (istarts_with(t, "host:")) {
        cur.remote_mta = leading_host(trim(t.substr(5)));
        continue;
      }
      if (istarts_with(t, "SMTP error from remote server")) {
        // "... after RCPT command:" or, on one line, "... for RCPT TO command, host:
        // mx.example.org (192.0.2.1) reason: 550 5.1.1 ..."
        std::size_t p = ifind(t, " after ");
        if (p == std::string_view::npos) p = ifind(t, " for ");
        if (p != std::string_view::npos) {
          std::string_view c = t.substr(p + (t[p + 1] == 'a' ? 7 : 5));
          std::string cmd = to_lower(c.substr(0, c.find_first_of(" :,")));
          if (cmd == "rcpt") cur.command = "RCPT";
          else if (cmd == "mail") cur.command = "MAIL";
          else if (cmd == "data" || cmd == "end") cur.command = "DATA";
          else if (cmd == "ehlo" || cmd == "helo") cur.command = "HELO";
        }
        if (std::size_t h = ifind(t, "host:"); h != std::string_view::npos)
          cur.remote_mta = leading_host(trim(t.substr(h + 5)));
        if (std::size_t r = ifind(t, "reason:"); r != std::string_view::npos) {
          if (!text.empty()) text.push_back(' ');
          text.append(trim(t.substr(r + 7)));
        }
        continue;
      }
      if (!text.empty()) text.push_back(' ');
      text.append(t);
    }
    flush();
    return report.recipients.size() > before;
  }
};

class EinsUndEinsReader : public FormatReader {
 public:
  std::string_view name() const override { return "einsundeins"; }
  int order() const override { return 30; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (!looks_like_gmx_family(in)) return false;
    std::string_view body = report_text(in.body);
    if (!icontains(body, "For the following reason:")) return false;
    std::vector<std::string> rcpts;
    std::string text;
    enum { kNone, kAddresses, kReason } state = kNone;
    for (std::string_view line : split_lines(body)) {
      std::string_view t = trim(line);
      if (icontains(t, "The following address") && icontains(t, "failed")) {
        state = kAddresses;
        continue;
      }
      if (istarts_with(t, "For the following reason:")) {
        state = kReason;
        continue;
      }
      if (state == kAddresses) {
        std::string a = first_address(t);
        if (!a.empty() && rcpts.size() < 1000) rcpts.push_back(a);
      } else if (state == kReason && !t.empty()) {
        if (!text.empty()) text.push_back(' ');
        text.append(t);
      }
    }
    if (rcpts.empty()) rcpts = failed_recipients_header(in.msg);
    if (rcpts.empty()) return false;
    add_failed_recipients(report, rcpts, clean_diagnostic(text));
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::EinsUndEinsReader;
using bounced::GmxReader;
BOUNCED_REGISTER_READER(GmxReader)
BOUNCED_REGISTER_READER(EinsUndEinsReader)
