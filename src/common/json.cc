// json.cc - JSON string escaping.
#include "common/json.h"

#include "common/strutil.h"

namespace bounced {

void json_append_string(std::string& out, std::string_view raw) {
  const std::string s = sanitize_utf8(raw);
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out.push_back(hex[(c >> 4) & 0xF]);
          out.push_back(hex[c & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

JsonObject& JsonObject::add(std::string_view key, std::string_view value) {
  if (body_.size() > 1) body_.push_back(',');
  json_append_string(body_, key);
  body_.push_back(':');
  json_append_string(body_, value);
  return *this;
}

JsonObject& JsonObject::add_raw(std::string_view key, std::string_view raw_json) {
  if (body_.size() > 1) body_.push_back(',');
  json_append_string(body_, key);
  body_.push_back(':');
  body_ += raw_json;
  return *this;
}

}  // namespace bounced
