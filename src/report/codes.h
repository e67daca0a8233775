// codes.h - RFC 3463 enhanced status codes and RFC 5321 reply codes in free text.
#pragma once
#include <string>
#include <string_view>

namespace bounced {

// First enhanced status code (class 2, 4 or 5) in text, e.g. "5.1.1"; empty if none.
std::string find_status_code(std::string_view text);
// The reply code that text carries: a 2xx/4xx/5xx number at its start, or before an
// enhanced code, or after "said:"/"error:" style phrases; empty if none.
std::string find_reply_code(std::string_view text);
// True for a well-formed enhanced code.
bool is_status_code(std::string_view code);
// True for 4.0.0, 5.0.0 and the like, which say nothing about the reason.
bool is_generic_status(std::string_view code);
// Normalises "5.1.1 (...)" or "#5.1.1" to "5.1.1"; empty when it is not a code.
std::string clean_status(std::string_view field);

}  // namespace bounced
