// dsn.h - RFC 3464 / RFC 6533 delivery-status fields.
#pragma once
#include <string_view>

#include "report/record.h"

namespace bounced {

// Reads the fields of a message/delivery-status (or global-delivery-status) body:
// per-message fields into report, one RecipientFacts per per-recipient block.
// Lenient: blocks not separated by blank lines, missing fields and unknown fields
// are accepted. Returns the number of recipients added.
std::size_t parse_delivery_status(std::string_view text, Report& report);

// Splits "smtp; 550 5.1.1 ..." into type ("SMTP") and text.
void split_typed_value(std::string_view value, std::string& type, std::string& text);

}  // namespace bounced
