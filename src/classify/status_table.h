// status_table.h - the built-in meaning of RFC 3463 enhanced status codes.
//
// The last word in classification: used when no rule under rules/ decided. Rules
// can override any entry (a code-only rule in rules/ comes first).
#pragma once
#include <string>
#include <string_view>

namespace bounced {

// The reason that an enhanced status code names by itself, or empty when the code
// says nothing specific (X.0.0, unknown subjects). Pseudo codes X.0.9NN map back to
// their reason.
std::string reason_for_status(std::string_view status);

// Fallbacks for codes and facts that name no reason by themselves: X.6.* content,
// X.7.* security, Action delayed, a refusal after HELO, an X-Unix mailer failure.
std::string fallback_reason(std::string_view status, std::string_view action,
                            std::string_view command, std::string_view diagnostic_type);

}  // namespace bounced
