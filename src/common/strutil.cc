// strutil.cc - small string helpers shared by every stage.
#include "common/strutil.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace bounced {

namespace {
inline char lower_char(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_char(c);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower_char(a[i]) != lower_char(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

namespace {

// How common a byte is in mail text, roughly (lower is rarer): the anchor of a
// case-insensitive search is the needle's rarest byte, so memchr stops on few
// false candidates. Spaces, '-', '=' and the common letters are frequent in
// bounces; digits and rare letters are not.
constexpr std::array<unsigned char, 256> make_commonness() {
  constexpr std::string_view kByFrequency = " e-taoinsrhldcum=pfgywb.v,:kx/<>@jqz";
  std::array<unsigned char, 256> t{};
  for (std::size_t i = 0; i < kByFrequency.size(); ++i) {
    const auto rank = static_cast<unsigned char>(i == 0 ? 100 : 100 - i);
    const auto c = static_cast<unsigned char>(kByFrequency[i]);
    t[c] = rank;
    if (c >= 'a' && c <= 'z') t[c - 32] = rank;
  }
  return t;
}
constexpr std::array<unsigned char, 256> kCommonness = make_commonness();

int commonness(char c) { return kCommonness[static_cast<unsigned char>(c)]; }

}  // namespace

bool is_ascii(std::string_view s) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if ((w & kHigh) != 0) return false;
  }
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  return true;
}

std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  const std::size_t n = hay.size(), m = needle.size();
  if (n < m || from > n - m) return std::string_view::npos;
  // memchr (vectorised) finds candidates for the needle's rarest byte (the anchor, at
  // offset k) in either case; each candidate is then compared whole.
  std::size_t k = 0;
  for (std::size_t i = 1; i < m && i < 32; ++i)
    if (commonness(needle[i]) < commonness(needle[k])) k = i;
  const char lo = lower_char(needle[k]);
  const char up = (lo >= 'a' && lo <= 'z') ? static_cast<char>(lo - 32) : lo;
  const char* base = hay.data();
  const std::size_t last = n - m;  // last possible start
  auto next = [&](char c, std::size_t at) -> std::size_t {  // next start whose anchor is c
    if (at > last) return std::string_view::npos;
    const void* p = std::memchr(base + at + k, c, last - at + 1);
    return p ? static_cast<std::size_t>(static_cast<const char*>(p) - base) - k : std::string_view::npos;
  };
  std::size_t next_lo = next(lo, from);
  std::size_t next_up = up == lo ? std::string_view::npos : next(up, from);
  for (;;) {
    std::size_t p = std::min(next_lo, next_up);
    if (p == std::string_view::npos) return p;
    std::size_t j = 0;
    while (j < m && lower_char(base[p + j]) == lower_char(needle[j])) ++j;
    if (j == m) return p;
    if (p == next_lo) next_lo = next(lo, p + 1);
    else next_up = next(up, p + 1);
  }
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string squeeze_spaces(std::string_view s) {
  // The result is never longer than the input: write through a pointer into a buffer
  // of that size (a push_back per byte checked the capacity each time).
  const std::string_view t = trim(s);
  std::string out(t.size(), '\0');
  char* w = out.data();
  bool space = false;
  for (const char c : t) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space) *w++ = ' ';  // t is trimmed: a space run always has text before it
    space = false;
    *w++ = c;
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
  return out;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c == 0) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok) {
      // Reject overlong forms, surrogates and out-of-range code points.
      if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        ok = false;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

std::string normalize_newlines(std::string_view s) {
  // Most mail has no CR at all (LF files, mbox): one memchr, one copy.
  const char* cr = static_cast<const char*>(std::memchr(s.data(), '\r', s.size()));
  if (!cr) return std::string(s);
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const void* hit = std::memchr(s.data() + i, '\r', s.size() - i);
    const std::size_t at = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - s.data()) : s.size();
    out.append(s.data() + i, at - i);
    if (at == s.size()) break;
    out.push_back('\n');  // CR LF and a bare CR both end a line
    i = at + 1;
    if (i < s.size() && s[i] == '\n') ++i;
  }
  return out;
}

}  // namespace bounced
