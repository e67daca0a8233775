// charset.cc - iconv-based conversion to UTF-8, with a small descriptor cache.
#include "mime/charset.h"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>

#include "common/strutil.h"

namespace bounced {

namespace {

// No byte >= 0x80 and no ESC (which starts ISO-2022 sequences).
bool is_plain_ascii(std::string_view s) {
  return is_ascii(s) && s.find('\x1b') == std::string_view::npos;
}

bool is_utf8_name(std::string_view cs) {
  return cs.empty() || iequals(cs, "utf-8") || iequals(cs, "utf8") || iequals(cs, "us-ascii") ||
         iequals(cs, "ascii");
}

// One cached descriptor per charset name and thread; (iconv_t)-1 when unknown.
// Past the cache's size (charset names come from outside), owned is set and the
// caller closes the descriptor after use.
iconv_t descriptor(const std::string& cs, bool& owned) {
  struct Cache {
    std::map<std::string, iconv_t> map;
    ~Cache() {
      for (auto& [k, cd] : map)
        if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
    }
  };
  thread_local Cache cache;
  owned = false;
  auto it = cache.map.find(cs);
  if (it != cache.map.end()) return it->second;
  std::string name = cs;
  // Common aliases that glibc does not know under these spellings.
  if (iequals(name, "ks_c_5601-1987")) name = "CP949";
  if (iequals(name, "x-sjis") || iequals(name, "shift-jis")) name = "SHIFT_JIS";
  if (iequals(name, "iso-2022-jp")) name = "ISO-2022-JP-2";
  iconv_t cd = iconv_open("UTF-8", name.c_str());
  if (cache.map.size() < 64) cache.map.emplace(cs, cd);
  else owned = cd != reinterpret_cast<iconv_t>(-1);
  return cd;
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// to_utf8 for text that is not plain ASCII.
std::string convert(std::string_view text, std::string_view charset) {
  std::string cs = to_lower(trim(charset));
  if (is_utf8_name(cs)) return sanitize_utf8(text);
  bool owned = false;
  iconv_t cd = descriptor(cs, owned);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    std::string checked = sanitize_utf8(text);
    if (checked.find("\xEF\xBF\xBD") == std::string::npos) return checked;
    return latin1_to_utf8(text);
  }
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  std::string out;
  out.resize(text.size() * 3 + 16);
  char* in = const_cast<char*>(text.data());
  std::size_t in_left = text.size();
  char* dst = out.data();
  std::size_t out_left = out.size();
  while (in_left > 0) {
    std::size_t r = iconv(cd, &in, &in_left, &dst, &out_left);
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == E2BIG) {
      std::size_t used = static_cast<std::size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    // EILSEQ or EINVAL: replace one byte and go on.
    if (out_left < 3) {
      std::size_t used = static_cast<std::size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      out_left = out.size() - used;
    }
    std::memcpy(dst, "\xEF\xBF\xBD", 3);
    dst += 3;
    out_left -= 3;
    ++in;
    --in_left;
  }
  iconv(cd, nullptr, nullptr, &dst, &out_left);
  out.resize(static_cast<std::size_t>(dst - out.data()));
  if (owned) iconv_close(cd);
  return out;
}

}  // namespace

std::string to_utf8(std::string_view text, std::string_view charset) {
  return is_plain_ascii(text) ? std::string(text) : convert(text, charset);
}

std::string to_utf8_owned(std::string&& text, std::string_view charset) {
  return is_plain_ascii(text) ? std::move(text) : convert(text, charset);
}

}  // namespace bounced
