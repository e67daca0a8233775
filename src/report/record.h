// record.h - the delivery facts read from one returned message, per recipient.
#pragma once
#include <string>
#include <vector>

namespace bounced {

struct RecipientFacts {
  std::string recipient;           // failed address, domain lower-cased
  std::string original_recipient;  // Original-Recipient, when present
  std::string action;              // failed, delayed, delivered, relayed, expanded or empty
  std::string status;              // RFC 3463 enhanced code
  std::string reply_code;          // RFC 5321 reply code
  std::string diagnostic;          // unfolded diagnostic text
  std::string diagnostic_type;     // "SMTP", "X-Postfix", "X-Unix", ...
  std::string remote_mta;
  std::string command;             // SMTP command the error followed (RCPT, DATA, ...)
  std::string last_attempt;        // Last-Attempt-Date as written
  std::string will_retry_until;
  std::string feedback_type;       // ARF reports
  // Decided by classification.
  std::string reason;
  std::string bounce;  // hard, soft, none
  std::string rule;
};

enum class ReportKind { kNone, kBounce, kVacation, kFeedback };

struct Report {
  ReportKind kind = ReportKind::kNone;
  std::string format;          // which reader understood the message
  std::string reporting_mta;
  std::string received_from_mta;
  std::string arrival_date;
  std::string queue_id;
  std::string date;            // ISO 8601 UTC
  // From the returned original.
  std::string message_id;
  std::string original_from;
  std::string original_subject;
  std::string list_id;
  std::string verp_recipient;  // decoded from the bounce's envelope address
  std::vector<RecipientFacts> recipients;
};

}  // namespace bounced
