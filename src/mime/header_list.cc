// header_list.cc - header field storage and a lenient header block reader.
#include "mime/header_list.h"

#include <cstring>

#include "common/limits.h"
#include "common/simd_runs.h"
#include "common/strutil.h"
#include "mime/encoded_word.h"

namespace bounced {

void HeaderList::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

std::string_view HeaderList::get(std::string_view name) const {
  for (const auto& f : fields_)
    if (iequals(f.name, name)) return f.value;
  return {};
}

std::string HeaderList::decoded(std::string_view name) const {
  return decode_encoded_words(get(name));
}

bool HeaderList::has(std::string_view name) const {
  for (const auto& f : fields_)
    if (iequals(f.name, name)) return true;
  return false;
}

std::vector<std::string_view> HeaderList::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields_)
    if (iequals(f.name, name)) out.push_back(f.value);
  return out;
}

namespace {

// Most header values are one line without tabs: nothing to unfold. Three vectorised
// memchr scans cost a third of a loop that tests each byte against the three.
bool folded(std::string_view value) {
  const char* p = value.data();
  const std::size_t n = value.size();
  return std::memchr(p, '\n', n) || std::memchr(p, '\t', n) || std::memchr(p, '\r', n);
}

std::string unfold_lines(std::string_view value) {
  // Never longer than the input: written through a pointer, not a push_back per byte.
  std::string out(value.size(), '\0');
  char* const begin = out.data();
  char* w = begin;
  for (std::size_t i = 0; i < value.size(); ++i) {
#if defined(__SSE2__)
    // Runs without CR, LF or a tab are copied as they are (w never passes i).
    copy_unflagged(value.data(), value.size(), i, w, 0, [](__m128i x, const char*) {
      return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')),
                                                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))),
                                            _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
    });
    if (i == value.size()) break;
#endif
    char c = value[i];
    if (c == '\r' || c == '\n') {
      while (i + 1 < value.size() && (value[i + 1] == '\r' || value[i + 1] == '\n')) ++i;
      if (w != begin && w[-1] != ' ') *w++ = ' ';
      while (i + 1 < value.size() && (value[i + 1] == ' ' || value[i + 1] == '\t')) ++i;
      continue;
    }
    if (c == '\t') c = ' ';
    *w++ = c;
  }
  const std::string_view t = trim(std::string_view(begin, static_cast<std::size_t>(w - begin)));
  out.erase(static_cast<std::size_t>(t.data() - begin) + t.size());
  out.erase(0, static_cast<std::size_t>(t.data() - begin));
  return out;
}

}  // namespace

std::string unfold(std::string_view value) {
  return folded(value) ? unfold_lines(value) : std::string(trim(value));
}

std::string unfold_owned(std::string&& value) {
  if (folded(value)) return unfold_lines(value);
  const std::string_view t = trim(value);
  if (t.size() != value.size()) {
    const auto head = static_cast<std::size_t>(t.data() - value.data());
    value.erase(head + t.size());
    value.erase(0, head);
  }
  return std::move(value);
}

namespace {
bool is_field_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name)
    if (c <= 32 || c >= 127 || c == ':') return false;
  return true;
}
}  // namespace

std::size_t parse_header_block(std::string_view text, HeaderList& out) {
  std::size_t pos = 0;
  // The current field: its name, and its value's bytes in text (from after the colon
  // to the end of its last line, a final CR left out). The line breaks inside are
  // text's own: unfold makes each run of CR and LF one space, as it would the LF
  // between lines with their final CR dropped.
  std::string_view name;
  std::size_t value_from = 0, value_to = 0;
  bool have = false;
  auto flush = [&] {
    if (have) out.add(std::string(name), unfold(text.substr(value_from, value_to - value_from)));
    have = false;
  };
  if (out.empty()) out.reserve(16);
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
      break;
    }
    const std::size_t colon = line.find(':');
    const bool indented = line[0] == ' ' || line[0] == '\t';
    const bool field = !indented && colon != std::string_view::npos && is_field_name(trim(line.substr(0, colon)));
    if (!field && !have) break;
    if (!field) {
      // A continuation line; one that is not indented continues the field too
      // (GMX's quoted headers: "Received: from [192.0.2.1] by host (via" then
      // "HTTP); Sat, ..." at the start of the line). unfold() makes the break a space.
      value_to = pos + line.size();
    } else {
      if (out.fields().size() >= limits::kMaxHeaderLines) break;  // outside input: bounded
      flush();
      name = trim(line.substr(0, colon));
      value_from = pos + colon + 1;
      value_to = pos + line.size();
      have = true;
    }
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  flush();
  return pos;
}

}  // namespace bounced
