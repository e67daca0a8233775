// strutil.h - small string helpers shared by every stage (ASCII case rules only).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace bounced {

std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
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
