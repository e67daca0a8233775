// special.h - messages that are reports but not bounces: ARF complaints (RFC 5965)
// and auto-replies (RFC 3834).
#pragma once
#include "mime/message.h"
#include "report/record.h"

namespace bounced {

// An ARF feedback report (or a provider's complaint/unsubscribe message of the same
// meaning): one recipient with reason feedback. Returns false when it is none.
bool read_feedback_report(const Message& msg, Report& report);

// An automatic reply (RFC 3834 Auto-Submitted, vacation headers and subjects): one
// recipient, the address that answered, with reason vacation.
bool read_auto_reply(const Message& msg, Report& report);

}  // namespace bounced
