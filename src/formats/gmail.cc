// gmail.cc - Gmail's own bounce text ("Delivery to the following recipient failed
// permanently: ... Technical details of permanent failure: ..."), sent by
// mailer-daemon@googlemail.com without a delivery-status part, and Gmail's newer
// "** Address not found ** ... The response from the remote server was:" text that
// accompanies a delivery-status part.
#include <string>

#include "common/address.h"
#include "common/strutil.h"
#include "formats/provider_util.h"
#include "formats/reader.h"
#include "formats/text_scan.h"

namespace bounced {
namespace {

bool from_google(const ReaderInput& in) {
  std::string f = to_lower(in.from);
  return f.find("mailer-daemon@googlemail.com") != std::string::npos ||
         f.find("mailer-daemon@gmail.com") != std::string::npos ||
         f.find("mailer-daemon@google.com") != std::string::npos;
}

// "...rejected by the server for the recipient domain example.org by mx.example.org. [192.0.2.1]."
// or "[(0) mx.example.org. [192.0.2.1]:25: socket error]" / "[mx.example.org 192.0.2.1: timed out]".
std::string gmail_remote_host(std::string_view text) {
  std::size_t p = ifind(text, "for the recipient domain ");
  if (p != std::string_view::npos) {
    std::size_t by = ifind(text, " by ", p);
    if (by != std::string_view::npos) {
      std::string h = leading_host(text.substr(by + 4));
      if (!h.empty()) return h;
    }
  }
  p = text.find('[');
  while (p != std::string_view::npos) {
    std::string_view rest = text.substr(p + 1);
    if (rest.starts_with("(0) ")) rest.remove_prefix(4);
    std::string h = leading_host(rest);
    // An address literal is no host name.
    bool numeric = !h.empty() && h.find_first_not_of("0123456789.") == std::string::npos;
    if (!h.empty() && !numeric) return h;
    p = text.find('[', p + 1);
  }
  return {};
}

// Gmail ends the remote answer with "(state N)", the step of its SMTP client that
// failed. The steps known from its bounces: 13 greeting/EHLO, 14 RCPT, 17 and 18 DATA.
std::string command_from_state(std::string_view text) {
  std::size_t p = ifind(text, "(state ");
  if (p == std::string_view::npos) return {};
  std::size_t b = p + 7, e = b;
  while (e < text.size() && e - b < 3 && text[e] >= '0' && text[e] <= '9') ++e;
  if (e == b || e >= text.size() || text[e] != ')') return {};
  std::string_view n = text.substr(b, e - b);
  if (n == "13") return "HELO";
  if (n == "14") return "RCPT";
  if (n == "17" || n == "18") return "DATA";
  return {};
}

class GmailReader : public FormatReader {
 public:
  std::string_view name() const override { return "gmail"; }
  int order() const override { return 40; }

  bool read(const ReaderInput& in, Report& report) const override {
    if (!from_google(in)) return false;
    std::string_view body = in.body;
    if (!in.has_dsn && icontains(body, "Delivery to the following recipient")) return read_classic(in, report);
    if (in.has_dsn) return enrich(body, report);
    if (body.find("** ") != std::string_view::npos) return read_modern(in, report);
    return false;
  }

 private:
  bool read_classic(const ReaderInput& in, Report& report) const {
    std::string_view body = in.no_original;
    std::size_t end = ifind(body, "----- Message header follows");
    if (end != std::string_view::npos) body = body.substr(0, end);
    std::vector<std::string> rcpts;
    std::string action = "failed";
    bool in_list = false;
    std::string details;
    bool in_details = false;
    for (std::string_view line : split_lines(body)) {
      std::string_view t = trim(line);
      if (icontains(t, "Delivery to the following recipient")) {
        in_list = true;
        in_details = false;
        if (icontains(t, "delayed")) action = "delayed";
        continue;
      }
      if (istarts_with(t, "Technical details of ")) {
        in_list = false;
        in_details = true;
        if (icontains(t, "temporary")) action = "delayed";
        std::size_t c = t.find(':');
        if (c != std::string_view::npos) details.append(t.substr(c + 1));
        continue;
      }
      if (in_list) {
        if (t.empty()) {
          if (!rcpts.empty()) in_list = false;
          continue;
        }
        std::string a = first_address(t);
        if (!a.empty() && rcpts.size() < 1000) rcpts.push_back(a);
        else if (!rcpts.empty()) in_list = false;
        continue;
      }
      if (in_details) {
        details.push_back(' ');
        details.append(t);
      }
    }
    if (rcpts.empty()) rcpts = failed_recipients_header(in.msg);
    if (rcpts.empty()) return false;

    std::string full = clean_diagnostic(details);
    std::string diag = full;
    constexpr std::string_view kReturned = "The error that the other server returned was:";
    std::size_t p = ifind(full, kReturned);
    if (p != std::string::npos) {
      std::string core = clean_diagnostic(std::string_view(full).substr(p + kReturned.size()));
      if (!core.empty()) diag = core;
    }
    std::string host = gmail_remote_host(full);
    for (const auto& a : rcpts) {
      RecipientFacts r;
      r.recipient = a;
      r.action = action;
      r.diagnostic = diag;
      r.diagnostic_type = "SMTP";
      r.remote_mta = host;
      r.command = command_from_state(diag);
      complete_command(r);
      add_or_merge(report, std::move(r));
    }
    return true;
  }

  // The newer layout without (or with an empty) delivery-status part: a "** headline **",
  // an explanation, then "The response was:" and the remote answer; the failed
  // addresses are in X-Failed-Recipients.
  bool read_modern(const ReaderInput& in, Report& report) const {
    std::vector<std::string> rcpts = failed_recipients_header(in.msg);
    if (rcpts.empty()) return false;
    std::string_view body = in.no_original;
    std::string text;
    bool started = false;
    for (std::string_view line : split_lines(body)) {
      std::string_view t = trim(line);
      if (!started) {
        if (t.starts_with("** ")) started = true;
        continue;
      }
      if (t.empty() || istarts_with(t, "Learn more") || istarts_with(t, "The response")) continue;
      if (t.starts_with("--") || t.starts_with("Final-Recipient") || t.starts_with("Reporting-MTA")) break;
      if (!text.empty()) text.push_back(' ');
      text.append(t);
    }
    if (!started) return false;
    std::string diag = clean_diagnostic(text);
    add_failed_recipients(report, rcpts, diag, gmail_remote_host(diag));
    return true;
  }

  // The newer layout: the text part repeats the remote server's answer, which the
  // delivery-status part sometimes lacks.
  bool enrich(std::string_view body, Report& report) const {
    static const std::string_view leads[] = {"The response from the remote server was:",
                                             "The response was:"};
    std::string response;
    for (auto lead : leads) {
      auto lines = lines_after(body, lead, {"-----", "Final-Recipient", "Reporting-MTA"});
      std::string text;
      for (auto l : lines) {
        std::string_view t = trim(l);
        if (t.empty()) {
          if (!text.empty()) break;
          continue;
        }
        if (!text.empty()) text.push_back(' ');
        text.append(t);
      }
      if (!text.empty()) {
        response = clean_diagnostic(text);
        break;
      }
    }
    if (response.empty() || report.recipients.empty()) return false;
    for (auto& r : report.recipients) {
      if (r.diagnostic.empty()) r.diagnostic = response;
      // Remote-MTA "mx.example.org. (192.0.2.1, the server for the domain example.org.)"
      if (std::string h = leading_host(r.remote_mta); !h.empty()) r.remote_mta = h;
      complete_command(r);
    }
    return true;
  }
};

}  // namespace
}  // namespace bounced

using bounced::GmailReader;
BOUNCED_REGISTER_READER(GmailReader)
