// output.h - the JSON line of one recipient, exactly as CONTRACT.md names the fields.
#pragma once
#include <string>
#include <vector>

#include "report/record.h"

namespace bounced {

// With explain, adds an "explain" array: the rules that matched, the deciding one first.
std::string recipient_json(const std::string& file, const Report& report, const RecipientFacts& r,
                           const std::vector<std::string>* explain = nullptr);

}  // namespace bounced
