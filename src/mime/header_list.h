// header_list.h - an ordered list of header fields, unfolded, looked up by name.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bounced {

struct HeaderField {
  std::string name;
  std::string value;  // unfolded and trimmed; encoded words not decoded
  HeaderField() = default;
  // Built in place from what the caller has (emplace_back: clang 14 has no aggregate
  // initialisation with parentheses).
  template <class N, class V>
  HeaderField(N&& n, V&& v) : name(std::forward<N>(n)), value(std::forward<V>(v)) {}
  bool operator==(const HeaderField&) const = default;
};

class HeaderList {
 public:
  void add(std::string name, std::string value);
  void reserve(std::size_t n) { fields_.reserve(n); }
  // First value of the field, or empty.
  std::string_view get(std::string_view name) const;
  // First value with RFC 2047 encoded words decoded to UTF-8.
  std::string decoded(std::string_view name) const;
  bool has(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  const std::vector<HeaderField>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }
  bool operator==(const HeaderList&) const = default;

 private:
  std::vector<HeaderField> fields_;
};

// Reads "Name: value" lines (with folded continuation lines) until the first empty
// line or a line that is not a header. Returns how many bytes were consumed.
std::size_t parse_header_block(std::string_view text, HeaderList& out);

// Unfolds a header value: line breaks followed by whitespace become one space.
std::string unfold(std::string_view value);
// The same for a value the caller gives up: a one-line value is trimmed in place.
std::string unfold_owned(std::string&& value);

}  // namespace bounced
