// encoded_word.cc - RFC 2047 decoding and the two transfer decoders it needs.
#include "mime/encoded_word.h"

#include "common/strutil.h"
#include "mime/charset.h"

namespace bounced {

namespace {
int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
// One "=" escape at in[i]: a soft line break is dropped, "=XX" is its byte, anything
// else is the "=" itself. Returns how many bytes of in it took.
std::size_t decode_escape(std::string_view in, std::size_t i, std::string& out) {
  if (i + 1 < in.size()) {
    if (in[i + 1] == '\n') return 2;  // soft line break
    if (i + 2 < in.size()) {
      if (in[i + 1] == '\r' && in[i + 2] == '\n') return 3;
      const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        return 3;
      }
    }
  }
  out.push_back('=');
  return 1;
}
}  // namespace

std::string decode_base64(std::string_view in) {
  std::string out;
  out.reserve(in.size() * 3 / 4);
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = b64_value(c);
    if (v < 0) continue;
    buf = (buf << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  return out;
}

std::string decode_quoted_printable(std::string_view in, bool header_mode) {
  std::string out;
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    // The run up to the next byte that needs work is copied as it is (memchr).
    std::size_t j = header_mode ? in.find_first_of("=_", i) : in.find('=', i);
    if (j == std::string_view::npos) j = in.size();
    out.append(in.data() + i, j - i);
    if (j == in.size()) break;
    if (in[j] == '_') {  // only in header mode: an encoded word's space
      out.push_back(' ');
      i = j + 1;
    } else {
      i = j + decode_escape(in, j, out);
    }
  }
  return out;
}

std::string decode_encoded_words(std::string_view value) {
  if (value.find("=?") == std::string_view::npos) return std::string(value);
  std::string out;
  std::size_t i = 0;
  std::size_t pending_space_start = std::string::npos;  // whitespace after an encoded word
  while (i < value.size()) {
    std::size_t start = value.find("=?", i);
    if (start == std::string_view::npos) {
      out.append(value.substr(i));
      break;
    }
    std::size_t q1 = value.find('?', start + 2);
    std::size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
    std::size_t end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
    if (end == std::string_view::npos || q2 != q1 + 2) {
      out.append(value.substr(i, start + 2 - i));
      i = start + 2;
      pending_space_start = std::string::npos;
      continue;
    }
    std::string_view between = value.substr(i, start - i);
    if (!(pending_space_start != std::string::npos && trim(between).empty())) out.append(between);
    std::string charset(value.substr(start + 2, q1 - start - 2));
    if (auto star = charset.find('*'); star != std::string::npos) charset.resize(star);  // RFC 2231
    char enc = value[q1 + 1];
    std::string_view payload = value.substr(q2 + 1, end - q2 - 1);
    std::string raw;
    if (enc == 'B' || enc == 'b') raw = decode_base64(payload);
    else if (enc == 'Q' || enc == 'q') raw = decode_quoted_printable(payload, true);
    else raw = std::string(value.substr(start, end + 2 - start));
    out.append(to_utf8(raw, charset));
    i = end + 2;
    pending_space_start = i;
  }
  return out;
}

}  // namespace bounced
