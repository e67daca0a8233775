// command.h - which SMTP command an error answered (RCPT, DATA, MAIL, HELO, ...).
//
// The same words mean different things at different stages: "user unknown" after
// DATA is a content filter speaking, not a missing mailbox. MTAs say the stage in
// their own ways: Postfix "(in reply to end of DATA command)", Exim "after RCPT
// TO:<...>", Sendmail transcripts ">>> DATA" followed by "<<< 550 ...", Gmail
// "(state 13)".
#pragma once
#include <string>
#include <string_view>

#include "report/record.h"

namespace bounced {

// The command named by a phrase in text ("RCPT", "DATA", "MAIL", "HELO", "CONN"),
// or empty.
std::string command_in_text(std::string_view text);

// Fills r.command for recipients that lack it, from the report's human-readable
// text: the phrase in the paragraph that names the recipient, or the session
// transcript's ">>> COMMAND" before the error reply that matches the recipient.
void assign_commands(std::string_view body, Report& report);

}  // namespace bounced
