// date.h - RFC 5322 dates to ISO 8601 UTC.
#pragma once
#include <string>
#include <string_view>

namespace bounced {

// "Tue, 29 Apr 2014 23:34:45 +0900" -> "2014-04-29T14:34:45Z"; empty when unreadable.
std::string rfc5322_to_iso(std::string_view date);

}  // namespace bounced
