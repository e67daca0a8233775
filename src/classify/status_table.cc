// status_table.cc - RFC 3463 (and RFC 7372, RFC 7505) subject/detail codes to reasons.
#include "classify/status_table.h"

#include "classify/reasons.h"
#include "common/strutil.h"

namespace bounced {

namespace {
struct Entry {
  std::string_view code;  // "S.D" without the class digit
  std::string_view reason;
};

// Class digit stripped: the same subject.detail means the same thing in 4.x and 5.x.
constexpr Entry kTable[] = {
    {"1.0", "userunknown"},   // other address status
    {"1.1", "userunknown"},   // bad destination mailbox address
    {"1.2", "hostunknown"},   // bad destination system address
    {"1.3", "userunknown"},   // bad destination mailbox address syntax
    {"1.4", "userunknown"},   // destination mailbox address ambiguous
    {"1.6", "hasmoved"},      // destination mailbox has moved, no forwarding address
    {"1.7", "rejected"},      // bad sender's mailbox address syntax
    {"1.8", "rejected"},      // bad sender's system address
    {"1.9", "systemerror"},   // message relayed to non-compliant mailer
    {"1.10", "notaccept"},    // recipient address has null MX (RFC 7505)
    {"2.0", "filtered"},      // other or undefined mailbox status
    {"2.1", "suspend"},       // mailbox disabled, not accepting messages
    {"2.2", "mailboxfull"},   // mailbox full
    {"2.3", "exceedlimit"},   // message length exceeds administrative limit
    {"2.4", "systemerror"},   // mailing list expansion problem
    {"3.0", "systemerror"},   // other or undefined mail system status
    {"3.1", "systemfull"},    // mail system full
    {"3.2", "notaccept"},     // system not accepting network messages
    {"3.3", "systemerror"},   // system not capable of selected features
    {"3.4", "mesgtoobig"},    // message too big for system
    {"3.5", "systemerror"},   // system incorrectly configured
    {"4.0", "networkerror"},  // other or undefined network or routing status
    {"4.1", "networkerror"},  // no answer from host
    {"4.2", "networkerror"},  // bad connection
    {"4.3", "systemerror"},   // directory server failure
    {"4.4", "hostunknown"},   // unable to route
    {"4.5", "systemerror"},   // mail system congestion
    {"4.6", "networkerror"},  // routing loop detected
    {"4.7", "expired"},       // delivery time expired
    {"5.0", "syntaxerror"},   // other or undefined protocol status
    {"5.1", "syntaxerror"},   // invalid command
    {"5.2", "syntaxerror"},   // syntax error
    {"5.3", "exceedlimit"},   // too many recipients
    {"5.4", "syntaxerror"},   // invalid command arguments
    {"5.5", "syntaxerror"},   // wrong protocol version
    {"5.6", "syntaxerror"},   // authentication exchange line too long
    {"6.0", "contenterror"},  // other or undefined media error
    {"6.1", "contenterror"},  // media not supported
    {"6.2", "contenterror"},  // conversion required and prohibited
    {"6.3", "contenterror"},  // conversion required but not supported
    {"6.5", "contenterror"},  // conversion failed
    {"6.6", "contenterror"},  // message content not available
    {"6.7", "contenterror"},  // non-ASCII addresses not permitted
    {"6.8", "contenterror"},  // UTF-8 string reply required
    {"6.9", "contenterror"},  // UTF-8 header message cannot be transferred
    {"7.0", "securityerror"}, // other or undefined security status
    {"7.1", "securityerror"}, // delivery not authorized, message refused
    {"7.2", "systemerror"},   // mailing list expansion prohibited
    {"7.3", "securityerror"}, // security conversion required but not possible
    {"7.4", "securityerror"}, // security features not supported
    {"7.5", "securityerror"}, // cryptographic failure
    {"7.6", "securityerror"}, // cryptographic algorithm not supported
    {"7.7", "securityerror"}, // message integrity failure
    {"7.8", "securityerror"}, // authentication credentials invalid
    {"7.9", "securityerror"}, // authentication mechanism is too weak
    {"7.10", "securityerror"}, // encryption needed
    {"7.11", "securityerror"}, // encryption required for requested authentication
    {"7.12", "securityerror"}, // a password transition is needed
    {"7.13", "suspend"},      // user account disabled (RFC 7372)
    {"7.14", "securityerror"}, // trust relationship required
    {"7.15", "securityerror"}, // priority level is too low
    {"7.16", "mesgtoobig"},   // message is too big for the specified priority
    {"7.17", "hasmoved"},     // mailbox owner has changed (RFC 7293)
    {"7.18", "hasmoved"},     // domain owner has changed (RFC 7293)
    {"7.19", "securityerror"}, // RRVS test cannot be completed
    {"7.20", "authfailure"},  // no passing DKIM signature found
    {"7.21", "authfailure"},  // no acceptable DKIM signature found
    {"7.22", "authfailure"},  // no valid author-matched DKIM signature found
    {"7.23", "authfailure"},  // SPF validation failed
    {"7.24", "authfailure"},  // SPF validation error
    {"7.25", "requireptr"},   // reverse DNS validation failed
    {"7.26", "authfailure"},  // multiple authentication checks failed
    {"7.27", "notaccept"},    // sender address has null MX
    {"7.28", "spamdetected"}, // mail flood detected
    {"7.29", "securityerror"}, // ARC validation failure
    {"7.30", "securityerror"}, // REQUIRETLS support required
};

// X.0.9NN pseudo codes back to their reason.
std::string reason_for_pseudo(std::string_view status) {
  static constexpr std::string_view names[] = {
      "userunknown", "hostunknown", "hasmoved",      "notaccept",     "mailboxfull",  "mesgtoobig",
      "exceedlimit", "suspend",     "filtered",      "rejected",      "blocked",      "badreputation",
      "requireptr",  "authfailure", "notcompliantrfc", "policyviolation", "spamdetected", "virusdetected",
      "contenterror", "securityerror", "norelaying", "speeding",      "toomanyconn",  "systemerror",
      "systemfull",  "networkerror", "expired",      "mailererror",   "syntaxerror",  "onhold"};
  for (auto n : names)
    if (pseudo_status(n, status[0] == '5') == status) return std::string(n);
  return {};
}
}  // namespace

std::string reason_for_status(std::string_view status) {
  if (status.size() < 5) return {};
  if (status[0] == '2') return "delivered";
  if (status.substr(1, 4) == ".0.9") return reason_for_pseudo(status);
  std::string_view rest = status.substr(2);  // "S.D"
  for (const auto& e : kTable)
    if (e.code == rest) return std::string(e.reason);
  return {};
}

std::string fallback_reason(std::string_view status, std::string_view action,
                            std::string_view command, std::string_view diagnostic_type) {
  if (status.size() >= 3 && status.substr(1, 2) == ".6") return "contenterror";
  if (status.size() >= 3 && status.substr(1, 2) == ".7") return "securityerror";
  if (iequals(diagnostic_type, "X-UNIX")) return "mailererror";
  if (action == "delayed" || action == "expired") return "expired";
  if (iequals(command, "HELO") || iequals(command, "EHLO") || iequals(command, "CONN"))
    return "blocked";
  return {};
}

}  // namespace bounced
