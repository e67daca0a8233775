// json.cc - JSON string escaping.
#include "common/json.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/strutil.h"

namespace bounced {

namespace {

// The length of the leading run of bytes that JSON takes as they are: printable
// ASCII but '"' and '\\' (sixteen bytes a step where SSE2 is there, else eight: most
// values are one such run).
std::size_t plain_prefix(std::string_view s) {
#if defined(__SSE2__)
  if (s.size() >= 16) {
    const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    auto specials = [&](std::size_t at) {  // bit b: the byte at + b stops the run
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + at));
      // A signed compare: bytes of 0x80 and above are negative, below 0x20 too.
      return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
          _mm_cmplt_epi8(x, space), _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)))));
    };
    std::size_t i = 0;
    for (; i + 16 <= s.size(); i += 16)
      if (const unsigned m = specials(i)) return i + static_cast<std::size_t>(__builtin_ctz(m));
    if (i == s.size()) return i;
    // The last bytes: one step that ends with the text (its bytes before i are plain).
    const std::size_t at = s.size() - 16;
    const unsigned m = specials(at);
    return m ? at + static_cast<std::size_t>(__builtin_ctz(m)) : s.size();
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  // A byte below 0x20, '"', '\\', or 0x80 and above (UTF-8 to check) stops the run.
  auto special_at = [&](std::size_t at) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + at, 8);
    return (((w - kOnes * 0x20) & ~w & kHigh) | has_zero(w ^ (kOnes * '"')) |
            has_zero(w ^ (kOnes * '\\')) | (w & kHigh)) != 0;
  };
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8)
    if (special_at(i)) break;
  // Fewer than eight bytes left after plain words: the word that ends the text (it
  // overlaps bytes already read) tells whether they are plain too.
  if (i + 8 > s.size() && i < s.size() && s.size() >= 8 && !special_at(s.size() - 8))
    return s.size();
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
  }
  return i;
}

}  // namespace

void json_append_string(std::string& out, std::string_view raw) {
  // The plain prefix (most values whole) needs neither repair nor escapes; after it,
  // text that is all ASCII without NUL needs no repair (sanitize_utf8 drops NULs and
  // replaces broken UTF-8, and keeps the prefix as it is); runs of plain bytes are
  // copied whole.
  const std::size_t plain = plain_prefix(raw);
  if (plain == raw.size()) {  // most values
    out.push_back('"');
    out.append(raw);
    out.push_back('"');
    return;
  }
  std::string repaired;
  std::string_view s = raw;
  for (char c : raw.substr(plain))
    if (static_cast<unsigned char>(c) >= 0x80 || c == 0) {
      repaired = sanitize_utf8(raw);
      s = repaired;
      break;
    }
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = plain; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static const char* hex = "0123456789abcdef";
        out += "\\u00";
        out.push_back(hex[(c >> 4) & 0xF]);
        out.push_back(hex[c & 0xF]);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
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
