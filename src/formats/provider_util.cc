// provider_util.cc - small helpers that the provider/service format readers share.
#include "formats/provider_util.h"

#include <cctype>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "formats/text_scan.h"
#include "report/command.h"

namespace bounced {

std::string clean_diagnostic(std::string_view text) {
  std::string d = squeeze_spaces(text);
  if (d.size() > limits::kMaxDiagnostic) d.resize(limits::kMaxDiagnostic);
  return d;
}

std::string guess_command(std::string_view d) {
  // The MTAs' own stage phrases first (report/command.h), then looser mentions.
  if (std::string c = command_in_text(d); !c.empty()) return c;
  struct Hint {
    std::string_view needle;
    std::string_view command;
  };
  static const Hint hints[] = {
      {"RCPT TO", "RCPT"},         {"MAIL FROM", "MAIL"},       {"end of data", "DATA"},
      {"DATA command", "DATA"},    {"after DATA", "DATA"},      {"during DATA", "DATA"},
      {"message text", "DATA"},    {"EHLO", "HELO"},            {"HELO", "HELO"},
      {"STARTTLS", "STARTTLS"},    {"initial connection", "CONN"}, {"greeting", "CONN"},
  };
  std::size_t best = std::string_view::npos;
  std::string_view cmd;
  for (const auto& h : hints) {
    std::size_t p = ifind(d, h.needle);
    if (p != std::string_view::npos && (best == std::string_view::npos || p < best)) {
      best = p;
      cmd = h.command;
    }
  }
  return std::string(cmd);
}

std::vector<std::string> failed_recipients_header(const Message& msg) {
  std::vector<std::string> out;
  for (std::string_view v : msg.headers.get_all("X-Failed-Recipients")) {
    for (auto& a : find_addresses(v)) {
      bool dup = false;
      for (auto& o : out) dup = dup || iequals(o, a);
      if (!dup && out.size() < 1000) out.push_back(a);
    }
  }
  return out;
}

std::vector<std::string_view> lines_after(std::string_view body, std::string_view marker,
                                          std::initializer_list<std::string_view> ends) {
  std::vector<std::string_view> out;
  std::size_t p = ifind(body, marker);
  if (p == std::string_view::npos) return out;
  std::size_t nl = body.find('\n', p);
  if (nl == std::string_view::npos) return out;
  for (std::string_view line : split_lines(body.substr(nl + 1))) {
    bool stop = false;
    for (auto e : ends) stop = stop || icontains(line, e);
    if (stop) break;
    out.push_back(line);
  }
  return out;
}

std::string_view rest_of_line(std::string_view text, std::string_view marker) {
  std::size_t p = ifind(text, marker);
  if (p == std::string_view::npos) return {};
  std::size_t b = p + marker.size();
  std::size_t e = text.find('\n', b);
  if (e == std::string_view::npos) e = text.size();
  return trim(text.substr(b, e - b));
}

const Part* part_containing(const Message& msg, std::string_view needle) {
  for (const auto& part : msg.parts) {
    if (part.in_original) continue;
    if (!part.type.starts_with("text/") && !part.type.empty()) continue;
    if (icontains(part.text, needle)) return &part;
  }
  return nullptr;
}

std::string leading_host(std::string_view text) {
  std::size_t e = 0;
  while (e < text.size() && (std::isalnum(static_cast<unsigned char>(text[e])) || text[e] == '.' ||
                             text[e] == '-' || text[e] == '_'))
    ++e;
  std::string_view h = text.substr(0, e);
  while (!h.empty() && h.back() == '.') h.remove_suffix(1);
  if (h.find('.') == std::string_view::npos) return {};
  return to_lower(h);
}

void complete_command(RecipientFacts& r) {
  if (r.command.empty()) r.command = guess_command(r.diagnostic);
}

}  // namespace bounced

namespace bounced {

std::string leading_reply_code(std::string_view text) {
  std::string_view t = trim(text);
  if (t.size() < 3) return {};
  if (t[0] != '2' && t[0] != '4' && t[0] != '5') return {};
  if (!std::isdigit(static_cast<unsigned char>(t[1])) || !std::isdigit(static_cast<unsigned char>(t[2])))
    return {};
  if (t.size() > 3 && t[3] != ' ' && t[3] != '-' && t[3] != ':' && t[3] != ',' && t[3] != '\t') return {};
  return std::string(t.substr(0, 3));
}

std::string address_line(std::string_view line) {
  std::string_view t = trim(line);
  if (t.size() < 4 || t.back() != ':') return {};
  t.remove_suffix(1);
  t = trim(t);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  if (t.find(' ') != std::string_view::npos || t.find('@') == std::string_view::npos) return {};
  return normalize_address(t);
}

std::size_t add_failed_recipients(Report& report, const std::vector<std::string>& addresses,
                                  const std::string& diagnostic, const std::string& remote_mta) {
  std::size_t before = report.recipients.size();
  for (const auto& a : addresses) {
    RecipientFacts r;
    r.recipient = a;
    r.action = "failed";
    r.diagnostic = diagnostic;
    r.reply_code = leading_reply_code(diagnostic);
    r.remote_mta = remote_mta;
    complete_command(r);
    add_or_merge(report, std::move(r));
  }
  return report.recipients.size() - before;
}

}  // namespace bounced
