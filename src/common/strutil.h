// strutil.h - small string helpers shared by every stage (ASCII case rules only).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace bounced {

std::string to_lower(std::string_view s);
// ASCII white space: space, \t, \n, \r, \f, \v.
inline bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
// Inline: it runs on nearly every line and field, which seldom need trimming.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
// The same bytes but for ASCII case; a and b of the same size n.
bool iequals_n(const char* a, const char* b, std::size_t n);
// Inline: most comparisons (a header field's name among a dozen) differ in size.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && iequals_n(a.data(), b.data(), a.size());
}
bool istarts_with(std::string_view s, std::string_view prefix);
// No byte >= 0x80 (eight bytes a step).
bool is_ascii(std::string_view s);
// How many bytes of s are c (16 a step where SSE2 is there).
std::size_t count_byte(std::string_view s, char c);
// Position of needle in hay ignoring ASCII case, or npos.
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0);
inline bool icontains(std::string_view hay, std::string_view needle) {
  return ifind(hay, needle) != std::string_view::npos;
}
// Splits on '\n' (input is already LF-normalised); keeps empty lines.
std::vector<std::string_view> split_lines(std::string_view text);
// Collapses runs of whitespace to one space and trims.
std::string squeeze_spaces(std::string_view s);
// Replaces invalid UTF-8 sequences with U+FFFD and drops NUL bytes.
std::string sanitize_utf8(std::string_view s);
// Converts CRLF and bare CR line ends to LF.
std::string normalize_newlines(std::string_view s);

}  // namespace bounced
