// top_header.cc - mimetic's header state machine (IteratorParser::loadHeader in
// mimetic/parser/itparser.h), with its states and quirks, reading runs of bytes.
//
// What it keeps of mimetic's behaviour, because read_message depends on matching it:
// - a field is stored only when the next line starts: a field on the last line of a
//   text without an empty line after it is dropped;
// - a line starting with ':' is skipped; a folded line after it still adds to the value
//   buffer, which is not emptied, so its text prefixes the next field's value;
// - a name is printable ASCII; blanks before the colon are dropped, but a blank
//   followed by another name byte, or any other byte (a control or 8-bit byte, a line
//   end) ends the header there and that line starts the body;
// - folded lines are joined by one space, leading blanks dropped, trailing kept;
// - values are C strings when stored: they end at a NUL byte;
// - CR, LF, CR LF and LF CR each end a line.
#include "mime/top_header.h"

#include <algorithm>
#include <cstring>

#include "common/strutil.h"

namespace bounced {

namespace {

bool is_nl(char c) { return c == '\r' || c == '\n'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

// The end of a run of value bytes: the next CR or LF. The next CR is looked up once
// and kept (mail read by read_message has none left: one search for the whole text).
struct LineEnds {
  std::string_view t;
  std::size_t next_cr = 0;
  bool cr_known = false;

  std::size_t run_end(std::size_t i) {
    const std::size_t n = t.size();
    if (!cr_known || next_cr < i) {
      const void* cr = std::memchr(t.data() + i, '\r', n - i);
      next_cr = cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - t.data()) : n;
      cr_known = true;
    }
    const void* lf = std::memchr(t.data() + i, '\n', std::min(next_cr, n) - i);
    return lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - t.data())
              : std::min(next_cr, n);
  }
};

bool is_name_byte(char c) { return c > 32 && c < 127 && c != ':'; }

}  // namespace

TopHeader read_top_header(std::string_view t) {
  enum State {
    kInit,
    kIgnoreLine,
    kNewline,
    kWaitingName,
    kWaitingValue,
    kWaitingFoldedValue,
    kName,
    kValue
  };
  TopHeader h;
  State state = kInit;
  const std::size_t n = t.size();
  std::size_t i = 0;
  long pos = 0;  // bytes of the current line consumed (mimetic's "pos")
  h.fields.reserve(32);  // a bounce's top header has 15-30 fields
  // Work buffers, kept from field to field: a field is stored as exact-size copies
  // (a folded value grows line by line; moving it out would start each field's growth
  // anew).
  std::string name, value;
  value.reserve(256);
  LineEnds ends{t};
  auto add_field = [&] {  // stores the field and empties name and value
    const std::size_t nul = value.find('\0');
    h.fields.emplace_back(name, value.substr(0, nul));
    name.clear();
    value.clear();
  };
  using End = TopHeader::End;
  auto body_here = [&](std::size_t at, End end) {
    h.body_start = at;
    h.end = end;
    return h;
  };
  while (i < n) {
    char c = t[i];
    switch (state) {
      case kInit:
        state = is_nl(c) ? kNewline : kName;
        continue;
      case kIgnoreLine:
        if (!is_nl(c)) break;
        state = kNewline;
        continue;
      case kNewline: {
        state = kWaitingName;
        const char prev = c;
        if (++i == n) return body_here(n, pos > 0 ? End::kEndOfText : End::kBlankLine);
        c = t[i];
        const bool pair = c == (prev == '\r' ? '\n' : '\r');
        if (pos > 0) {
          pos = 0;
          if (pair) {
            --pos;
            break;
          }
          continue;
        }
        // An empty line: the end of the header.
        return body_here(pair ? i + 1 : i, End::kBlankLine);
      }
      case kWaitingName:
        if (is_blank(c)) {
          state = kWaitingFoldedValue;
          continue;
        }
        if (!name.empty()) add_field();
        state = is_nl(c) ? kNewline : kName;
        continue;
      case kWaitingValue:
        if (is_blank(c)) break;
        state = kValue;
        continue;
      case kWaitingFoldedValue:
        if (is_blank(c)) break;
        value.push_back(' ');
        state = kValue;
        continue;
      case kName:
        if (is_name_byte(c)) {
          // "NAME BLANK+ c": the line is the first line of the body.
          if (!name.empty() && is_blank(name.back())) return body_here(i - name.size(), End::kNonFieldLine);
          std::size_t end = i + 1;
          while (end < n && is_name_byte(t[end])) ++end;
          name.append(t.data() + i, end - i);
          pos += static_cast<long>(end - i);
          i = end;
          continue;
        } else if (c == ':') {
          if (name.empty()) {
            state = kIgnoreLine;
            continue;
          }
          while (!name.empty() && is_blank(name.back())) name.pop_back();
          state = kWaitingValue;
        } else if (is_blank(c)) {
          name.push_back(c);
        } else {
          // Not a header line (or the empty line is missing): the body starts with it.
          // The name holds the line's bytes so far, so the line starts there.
          return body_here(i - name.size(), End::kNonFieldLine);
        }
        break;
      case kValue: {
        if (is_nl(c)) {
          state = kNewline;
          continue;
        }
        const std::size_t end = ends.run_end(i);
        value.append(t.data() + i, end - i);
        pos += static_cast<long>(end - i);
        i = end;
        continue;
      }
    }
    ++i;
    ++pos;
  }
  return body_here(n, End::kEndOfText);
}

std::string mimetic_stand_in(const TopHeader& header) {
  std::string out;
  for (const auto& f : header.fields) {
    if (!iequals(f.name, "Content-Type")) continue;
    out += f.name;
    out += ':';
    // Leading spaces come from folds after an empty first line (one space each, the
    // fold's own blanks dropped); mimetic drops blanks at the start of the field's own
    // line, so each is written as a fold again, the last one holding the rest.
    std::size_t spaces = 0;
    while (spaces < f.value.size() && f.value[spaces] == ' ') ++spaces;
    for (std::size_t k = 0; k < spaces; ++k) out += "\n ";
    out.append(f.value, spaces, std::string::npos);
    out += '\n';
  }
  // After a field, the end of the text needs a line for mimetic to store the field.
  if (header.end == TopHeader::End::kBlankLine || (header.end == TopHeader::End::kEndOfText && !out.empty()))
    out += '\n';
  return out;
}

}  // namespace bounced
