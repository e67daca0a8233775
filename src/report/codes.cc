// codes.cc - scanners for enhanced status codes and reply codes.
#include "report/codes.h"

#include <cctype>

#include "common/strutil.h"

namespace bounced {

namespace {
inline bool digit(char c) { return c >= '0' && c <= '9'; }

// Matches d.ddd.ddd at pos; returns its length or 0.
std::size_t match_status_at(std::string_view t, std::size_t pos) {
  if (pos >= t.size() || (t[pos] != '2' && t[pos] != '4' && t[pos] != '5')) return 0;
  if (pos > 0 && (digit(t[pos - 1]) || t[pos - 1] == '.' || std::isalpha(static_cast<unsigned char>(t[pos - 1]))))
    return 0;
  std::size_t i = pos + 1;
  if (i >= t.size() || t[i] != '.') return 0;
  ++i;
  std::size_t d = 0;
  while (i < t.size() && digit(t[i]) && d < 4) ++i, ++d;
  if (d == 0 || d > 3 || i >= t.size() || t[i] != '.') return 0;
  ++i;
  d = 0;
  while (i < t.size() && digit(t[i]) && d < 4) ++i, ++d;
  if (d == 0 || d > 3) return 0;
  // Not part of a longer dotted number (an IP address or a version).
  if (i < t.size() && (digit(t[i]) || (t[i] == '.' && i + 1 < t.size() && digit(t[i + 1]))))
    return 0;
  return i - pos;
}

bool reply_at(std::string_view t, std::size_t pos) {
  if (pos + 3 > t.size()) return false;
  if (t[pos] != '2' && t[pos] != '4' && t[pos] != '5') return false;
  if (!digit(t[pos + 1]) || !digit(t[pos + 2])) return false;
  if (pos > 0 && (digit(t[pos - 1]) || t[pos - 1] == '.' || t[pos - 1] == '-' ||
                  std::isalnum(static_cast<unsigned char>(t[pos - 1]))))
    return false;
  if (pos + 3 < t.size()) {
    char n = t[pos + 3];
    if (!(n == ' ' || n == '-' || n == '\n' || n == '\t' || n == ')' || n == ']' || n == ',' ||
          n == ':' || n == '"' || n == '\''))
      return false;
    if (n == '-' && pos + 4 < t.size() && digit(t[pos + 4]) &&
        match_status_at(t, pos + 4) == 0)
      return false;  // a date or a number range
  }
  return true;
}
}  // namespace

bool is_status_code(std::string_view code) {
  return !code.empty() && match_status_at(code, 0) == code.size();
}

bool is_generic_status(std::string_view code) {
  return code.size() >= 5 && code.substr(1) == ".0.0";
}

std::string clean_status(std::string_view field) {
  field = trim(field);
  for (std::size_t i = 0; i < field.size() && i < 8; ++i) {
    if (std::size_t n = match_status_at(field, i)) return std::string(field.substr(i, n));
  }
  return {};
}

std::string find_status_code(std::string_view t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c != '2' && c != '4' && c != '5') continue;
    if (std::size_t n = match_status_at(t, i)) {
      // "2.x.x" is rarely a failure code inside error text; keep looking for 4/5.
      if (c == '2') {
        std::string later = find_status_code(t.substr(i + n));
        if (!later.empty() && later[0] != '2') return later;
      }
      return std::string(t.substr(i, n));
    }
  }
  return {};
}

namespace {
std::string find_reply_code_at(std::string_view t, bool leading);
}  // namespace

std::string find_reply_code(std::string_view t) { return find_reply_code_at(t, true); }

namespace {
std::string find_reply_code_at(std::string_view t, bool leading) {
  // 1. At the start (after "smtp;" and spaces), the common Diagnostic-Code shape.
  std::string_view s = trim(t);
  if (leading && reply_at(s, 0)) {
    // A 2xx greeting ("220-mx.example.org ...") quoted before the failure: look
    // (once, without recursing further) for the 4xx/5xx answer that follows.
    if (s[0] == '2') {
      std::string later = find_reply_code_at(s.substr(3), false);
      if (!later.empty() && later[0] != '2') return later;
    }
    return std::string(s.substr(0, 3));
  }
  // 2. Right before an enhanced status code, or after a phrase naming the answer.
  for (std::size_t i = 0; i + 3 <= t.size(); ++i) {
    if (!reply_at(t, i)) continue;
    // A session transcript's answer line: "<<< 550 ..." (a 2xx there is a greeting or
    // an accepted command, not the failure).
    if (i >= 4 && t.substr(i - 4, 4) == "<<< ") {
      if (t[i] == '2') continue;
      return std::string(t.substr(i, 3));
    }
    std::size_t j = i + 3;
    while (j < t.size() && (t[j] == ' ' || t[j] == '-')) ++j;
    if (match_status_at(t, j)) return std::string(t.substr(i, 3));
    std::size_t k = i;
    while (k > 0 && (t[k - 1] == ' ' || t[k - 1] == '(' || t[k - 1] == '<' || t[k - 1] == '"' || t[k - 1] == '[' || t[k - 1] == '#')) --k;
    std::string_view before = t.substr(k >= 16 ? k - 16 : 0, k >= 16 ? 16 : k);
    if (icontains(before, "said:") || icontains(before, "error:") ||
        icontains(before, "code:") || icontains(before, "reply:") ||
        icontains(before, "smtp;") || icontains(before, "response:") ||
        icontains(before, "status:") || icontains(before, "returned") ||
        icontains(before, "code") || (k > 0 && t[k - 1] == '\n') || icontains(before, "text:") ||
        icontains(before, "reason:") ||
        (k > 0 && t[k - 1] == ':' &&
         // not a group of an IPv6 address such as "2001:db8:220:1"
         !(k == i && k >= 2 && std::isxdigit(static_cast<unsigned char>(t[k - 2])))))
      return std::string(t.substr(i, 3));
  }
  return {};
}
}  // namespace

}  // namespace bounced
