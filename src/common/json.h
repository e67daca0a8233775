// json.h - writes JSON strings and flat objects (the parse output and replies).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bounced {

// Appends s as a JSON string literal (quotes included); invalid UTF-8 becomes U+FFFD.
void json_append_string(std::string& out, std::string_view s);

// A flat JSON object written field by field, in order.
class JsonObject {
 public:
  JsonObject& add(std::string_view key, std::string_view value);
  JsonObject& add_raw(std::string_view key, std::string_view raw_json);
  void reserve(std::size_t bytes) { body_.reserve(bytes); }
  std::string str() const& { return body_ + "}"; }
  std::string str() && {
    body_.push_back('}');
    return std::move(body_);
  }

 private:
  std::string body_ = "{";
};

}  // namespace bounced
