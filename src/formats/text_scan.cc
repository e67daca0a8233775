// text_scan.cc - helpers that plain-text format readers share.
#include "formats/text_scan.h"

#include "common/literal_set.h"

#include <cctype>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"

namespace bounced {

std::string_view text_between(std::string_view body, std::initializer_list<std::string_view> starts,
                              std::initializer_list<std::string_view> ends) {
  std::size_t begin = 0;
  if (starts.size() > 0) {
    begin = std::string_view::npos;
    for (auto s : starts) {
      std::size_t p = ifind(body, s);
      if (p != std::string_view::npos && (begin == std::string_view::npos || p < begin)) begin = p;
    }
    if (begin == std::string_view::npos) return {};
  }
  std::size_t end = body.size();
  for (auto e : ends) {
    std::size_t p = ifind(body, e, begin + 1);
    if (p != std::string_view::npos && p < end) end = p;
  }
  return body.substr(begin, end - begin);
}

std::string_view cut_original(std::string_view body) {
  // The markers before a returned copy of the original message, all searched in one
  // pass (the body may hold a large original).
  static const LiteralSet markers({
      "--- Below this line is a copy of the message",
      "------ This is a copy of the message",
      "------ This is a copy of your message",
      "----- Original message -----",
      "------- Returned Message --------",
      "--- Original message follows",
      "----- Original Message -----",
      "Original message follows",
      "------ Original message ------",
      "Your message reads (in part):",
      "----- Unsent message follows -----",
      "--- The header of the original message is following",
      "------ The header of the original message ------",
      "Original message headers:",
      "Message headers follow",                     // DragonFly Mail Agent
      "Included is a copy of the message header",   // MXLogic, some Exim setups
      "-------original message",                    // m-FILTER
      "-------original mail info",
      "- Message header follows: -",                // Smail 3, Deutsche Telekom
      "- Message text follows: -",
  });
  std::size_t end = markers.earliest(body);
  if (end == std::string_view::npos) return body;
  // From the start of the marker's line: a banner such as Smail's "|---- Message text
  // follows: ----|" is not report text.
  const std::size_t line = body.rfind('\n', end);
  return body.substr(0, line == std::string_view::npos ? 0 : line + 1);
}

bool says_warning_only(std::string_view text) {
  static const LiteralSet phrases({
      "THIS IS A WARNING ONLY",                      // Postfix
      "THIS IS A WARNING MESSAGE ONLY",              // Sendmail, Exchange, Zoho
      "YOU DO NOT NEED TO RESEND YOUR MESSAGE",      // the same banners' second line
      "has not yet been delivered to one or more",   // Exim
      "Delivery attempts will continue",             // Exim, OpenSMTPD
      "will be retried until it is",                 // Postfix
      "Will keep trying until message is",           // Sendmail
  });
  return phrases.earliest(text) != std::string_view::npos;
}

bool is_mailer_address(std::string_view addr) {
  std::string a = to_lower(addr);
  return a.starts_with("mailer-daemon@") || a.starts_with("postmaster@") ||
         a.starts_with("mail-daemon@") || a.starts_with("mailerdaemon@") ||
         a.starts_with("double-bounce@") || a.starts_with("noreply@") || a.starts_with("no-reply@") ||
         a.starts_with("abuse@") || a.starts_with("root@");
}

bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles) {
  for (auto n : needles)
    if (icontains(hay, n)) return true;
  return false;
}

std::size_t read_address_blocks(std::string_view region, Report& report, bool only_line_start) {
  std::size_t added = 0;
  RecipientFacts* cur = nullptr;
  std::string diag;
  auto close = [&] {
    if (cur) {
      std::string d = squeeze_spaces(diag);
      if (d.size() > limits::kMaxDiagnostic) d.resize(limits::kMaxDiagnostic);
      if (cur->diagnostic.empty()) cur->diagnostic = d;
      else if (!d.empty() && cur->diagnostic.find(d) == std::string::npos) cur->diagnostic += " " + d;
    }
    cur = nullptr;
    diag.clear();
  };
  for (std::string_view line : split_lines(region)) {
    std::string_view t = trim(line);
    if (t.empty()) {
      close();
      continue;
    }
    std::string addr;
    if (t.find('@') != std::string_view::npos) {
      bool at_start = t.front() == '<' || line.front() != ' ' || !only_line_start;
      std::string candidate;
      if (t.front() == '<') candidate = normalize_address(t.substr(0, t.find('>') + 1));
      else candidate = first_address(t);
      if (!candidate.empty() && at_start && !is_mailer_address(candidate) &&
          (!only_line_start || t.front() == '<' || istarts_with(t, candidate) ||
           istarts_with(t, "\"" + candidate)))
        addr = candidate;
    }
    if (!addr.empty()) {
      close();
      RecipientFacts r;
      r.recipient = addr;
      std::size_t before = report.recipients.size();
      cur = &add_or_merge(report, std::move(r));
      if (report.recipients.size() > before) ++added;
      // The rest of the line after the address is diagnostic too.
      std::size_t p = ifind(t, addr);
      std::string_view rest = p == std::string_view::npos ? std::string_view() : t.substr(p + addr.size());
      while (!rest.empty() && (rest.front() == '>' || rest.front() == ':' || rest.front() == ' ' || rest.front() == '.' || rest.front() == '"'))
        rest.remove_prefix(1);
      diag = std::string(rest);
      continue;
    }
    if (cur) {
      if (!diag.empty()) diag.push_back(' ');
      diag.append(t);
    }
  }
  close();
  return added;
}

std::string find_remote_host(std::string_view d) {
  static const std::string_view lead[] = {"host ", "Remote host ", "remote server ", "from "};
  for (auto l : lead) {
    std::size_t p = ifind(d, l);
    while (p != std::string_view::npos) {
      std::size_t b = p + l.size();
      std::size_t e = b;
      while (e < d.size() && (std::isalnum(static_cast<unsigned char>(d[e])) || d[e] == '.' || d[e] == '-'))
        ++e;
      std::string_view host = d.substr(b, e - b);
      if (host.find('.') != std::string_view::npos && host.size() > 3) return to_lower(host);
      p = ifind(d, l, p + 1);
    }
  }
  return {};
}

RecipientFacts& add_or_merge(Report& report, RecipientFacts r) {
  for (auto& existing : report.recipients) {
    if (iequals(existing.recipient, r.recipient)) {
      if (existing.diagnostic.empty()) existing.diagnostic = r.diagnostic;
      if (existing.status.empty()) existing.status = r.status;
      if (existing.reply_code.empty()) existing.reply_code = r.reply_code;
      if (existing.remote_mta.empty()) existing.remote_mta = r.remote_mta;
      if (existing.action.empty()) existing.action = r.action;
      if (existing.command.empty()) existing.command = r.command;
      return existing;
    }
  }
  if (report.recipients.size() >= limits::kMaxRecipients) return report.recipients.back();
  report.recipients.push_back(std::move(r));
  return report.recipients.back();
}


namespace {
// "550-5.7.1 ", "550 5.7.1 ", "550-", "550 " at the start of t: its length and code.
std::size_t reply_prefix(std::string_view t, std::string_view& code) {
  if (t.size() < 4 || (t[0] != '2' && t[0] != '4' && t[0] != '5') ||
      !std::isdigit(static_cast<unsigned char>(t[1])) || !std::isdigit(static_cast<unsigned char>(t[2])) ||
      (t[3] != '-' && t[3] != ' '))
    return 0;
  code = t.substr(0, 3);
  std::size_t i = 4;
  // An enhanced code after it.
  std::size_t j = i;
  if (j < t.size() && (t[j] == '2' || t[j] == '4' || t[j] == '5') && j + 1 < t.size() && t[j + 1] == '.') {
    j += 2;
    while (j < t.size() && (std::isdigit(static_cast<unsigned char>(t[j])) || t[j] == '.')) ++j;
    if (j >= t.size() || t[j] == ' ') i = j < t.size() ? j + 1 : j;
  }
  return i;
}
}  // namespace

std::string join_reply_lines(const std::vector<std::string_view>& lines) {
  std::string out;
  std::string_view first_code;
  for (std::string_view l : lines) {
    std::string_view t = trim(l);
    if (t.empty()) continue;
    std::string_view code;
    std::size_t n = reply_prefix(t, code);
    if (!out.empty() && n > 0 && code == first_code) t = trim(t.substr(n));
    else if (out.empty() && n > 0) first_code = code;
    if (t.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out.append(t);
    if (out.size() > limits::kMaxDiagnostic) break;
  }
  std::string d = squeeze_spaces(out);
  if (d.size() > limits::kMaxDiagnostic) d.resize(limits::kMaxDiagnostic);
  return d;
}

bool looks_like_bounce(std::string_view from, std::string_view subject) {
  if (from_mailer(from)) return true;
  return contains_any(subject, {"undeliverable", "undelivered mail", "delivery status notification",
                                "failure notice", "returned mail", "mail delivery failed",
                                "delivery failure", "failed delivery", "delivery failed",
                                "could not be delivered", "mail system error", "nondeliverable",
                                "non-delivery", "delivery notification", "undeliverable mail",
                                "delivery has failed", "failure delivery", "returned to sender"});
}

std::vector<std::string_view> region_lines(std::string_view region) {
  std::vector<std::string_view> out = split_lines(region);
  for (auto& l : out) {
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
  }
  return out;
}

}  // namespace bounced
