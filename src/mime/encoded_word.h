// encoded_word.h - RFC 2047 encoded words in header values, decoded to UTF-8.
#pragma once
#include <string>
#include <string_view>

namespace bounced {

// Decodes every =?charset?B|Q?text?= in value; whitespace between two adjacent encoded
// words is dropped as RFC 2047 section 6.2 says. Malformed words are kept as they are.
std::string decode_encoded_words(std::string_view value);

// Decodes base64 (ignoring characters outside the alphabet) and quoted-printable.
std::string decode_base64(std::string_view in);
std::string decode_quoted_printable(std::string_view in, bool header_mode);

}  // namespace bounced
