// replies.h - the JSON of each reply (schemas/replies.md describes them).
#pragma once
#include <string>
#include <vector>

#include "store/store.h"

namespace bounced {

std::string iso_time(std::int64_t t);  // "" for 0
std::string status_array_json(const std::vector<AddressStatus>& v);
std::string history_json(const std::vector<EventRow>& v);
std::string stats_json(const StoreStats& s, std::uint64_t commits);

}  // namespace bounced
