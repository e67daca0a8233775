// provider_util.h - small helpers that the provider/service format readers share.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "mime/message.h"
#include "report/record.h"

namespace bounced {

// Squeezed, length-limited diagnostic text.
std::string clean_diagnostic(std::string_view text);

// The SMTP command a diagnostic points at ("RCPT", "MAIL", "DATA", "CONN", "HELO"):
// command_in_text()'s stage phrases, else the first command the text mentions.
std::string guess_command(std::string_view diagnostic);

// Addresses listed in the X-Failed-Recipients header(s), normalised.
std::vector<std::string> failed_recipients_header(const Message& msg);

// Lines of body from the line holding marker (excluded) to the first line holding any
// of ends (excluded) or the end. Empty when the marker is missing.
std::vector<std::string_view> lines_after(std::string_view body, std::string_view marker,
                                          std::initializer_list<std::string_view> ends);

// The text after the first occurrence of marker up to the end of its line.
std::string_view rest_of_line(std::string_view text, std::string_view marker);

// The first text/plain-ish body part (outside the returned original) whose text holds
// needle, or nullptr.
const Part* part_containing(const Message& msg, std::string_view needle);

// A host name at the start of text: letters, digits, dots and dashes; lower-cased,
// trailing dot removed. Empty when it holds no dot.
std::string leading_host(std::string_view text);

// Adds one failed recipient per address with the same diagnostic (and the reply code
// and command it carries; remote_mta when given). Returns the number added.
std::size_t add_failed_recipients(Report& report, const std::vector<std::string>& addresses,
                                  const std::string& diagnostic, const std::string& remote_mta = {});
// Fills command when empty, from the diagnostic text.
void complete_command(RecipientFacts& r);

}  // namespace bounced

namespace bounced {

// A reply code (2xx, 4xx, 5xx) at the very start of text, followed by a space, '-',
// ':' or the end; empty otherwise.
std::string leading_reply_code(std::string_view text);

// "<user@example.org>:" or "user@example.org:" alone on a line (qmail style): the
// address, else empty.
std::string address_line(std::string_view line);

}  // namespace bounced
