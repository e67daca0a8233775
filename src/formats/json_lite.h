// json_lite.h - a small, bounded JSON reader for provider notifications (Amazon SES
// via SNS and the like). Depth- and size-limited; never throws.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bounced {

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject } type = Type::kNull;
  std::string text;  // string value, or the number/bool as written
  std::vector<JsonValue> items;                         // array
  std::vector<std::string> keys;  // object member names, in order
  std::vector<JsonValue> values;  // object member values, parallel to keys

  // Member by key (objects), or nullptr.
  const JsonValue* get(std::string_view key) const;
  // The string (or number) value of a member, empty when missing.
  std::string str(std::string_view key) const;
  bool is_object() const { return type == Type::kObject; }
  bool is_array() const { return type == Type::kArray; }
};

// Parses the JSON value that starts at text[pos] (after optional spaces). On success
// returns true and sets end to the position after it.
bool parse_json(std::string_view text, std::size_t pos, JsonValue& out, std::size_t* end = nullptr);

}  // namespace bounced
