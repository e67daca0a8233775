// message.h - one returned message read into the parts that bounce reading needs.
//
// The MIME structure is read with mimetic; this module walks it with a depth and
// entity limit, decodes transfer encodings and charsets, and flattens it into leaf
// parts in document order. A returned original (message/rfc822) is not parsed into
// parts: only its header is read, and its text kept when it is itself a report.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "mime/header_list.h"

namespace bounced {

struct Part {
  std::string type;     // lower-case "type/subtype"
  std::string text;     // decoded body, UTF-8 (empty for returned originals)
  HeaderList headers;   // the part's own MIME header
  int depth = 0;        // nesting level, 0 for the top entity
  bool in_original = false;  // inside a returned message/rfc822
  bool is_attachment = false;
  bool operator==(const Part&) const = default;
};

struct Message {
  HeaderList headers;               // top-level header
  std::vector<Part> parts;          // leaves in document order
  HeaderList original_headers;      // header of the first returned original, if any
  bool has_original = false;
  // The whole first returned message (outside any original) when its header says it
  // is itself a mailer's report (a bounce forwarded or returned inside a notice);
  // empty otherwise. The parser may read it as a report of its own.
  std::string nested_report;
  std::vector<std::string> warnings;  // limits hit, truncation

  // First part of the given type outside any returned original, or nullptr.
  const Part* find(std::string_view type) const;
  // The human-readable text of the report: text/plain parts outside the returned
  // original joined (text/html stripped of tags when there is no plain text).
  std::string body_text() const;
  bool operator==(const Message&) const = default;
};

// Reads raw message bytes (any line ends). Never throws: malformed MIME is read as
// far as it goes and recorded in warnings. The top-level header is read by
// read_top_header (mime/top_header.h), the same fields mimetic would make, faster;
// whole_by_mimetic has mimetic read it too, the reference the fuzz target compares.
Message read_message(std::string_view raw, bool whole_by_mimetic = false);

namespace detail {
// The first occurrence of word in [bit, eit), or eit (empty word: bit): mimetic's
// boundary search for the text read_message gives it.
const char* find_boundary(const char* bit, const char* eit, std::string_view word);
// The text of an HTML part: tags dropped, a line break for a tag that starts a line
// or block (br, p, div, tr, li), the common entities decoded.
std::string strip_html(std::string_view html);
}  // namespace detail

}  // namespace bounced
