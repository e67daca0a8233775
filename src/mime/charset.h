// charset.h - converts text in a declared charset to UTF-8 (iconv).
#pragma once
#include <string>
#include <string_view>

namespace bounced {

// Converts text from charset to UTF-8. An unknown charset or an invalid sequence never
// fails: bytes that cannot be converted become U+FFFD, and an unknown charset is read
// as UTF-8 when valid, else as ISO-8859-1.
std::string to_utf8(std::string_view text, std::string_view charset);
// The same for text the caller gives up: plain ASCII (most bounces) is returned as is.
std::string to_utf8_owned(std::string&& text, std::string_view charset);

}  // namespace bounced
