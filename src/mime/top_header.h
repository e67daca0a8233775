// top_header.h - a message's top-level header, read field for field as mimetic's parser
// reads it, a span at a time instead of a byte at a time.
//
// The top-level header is about a third of a bounce's bytes (Received, DKIM and ARC
// fields), and mimetic's parser spends some twenty instructions on each of its bytes.
// read_message reads it here and hands mimetic only its Content-Type fields, which are
// all that mimetic looks up to find the MIME structure below. The fields, their values
// and where the body starts are mimetic's, quirks included (see top_header.cc); the
// fuzz target fuzz_message checks that against mimetic on every input it makes.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mime/header_list.h"

namespace bounced {

struct TopHeader {
  // Names as written (blanks before the colon removed), values as mimetic has them:
  // folded lines joined by one space, not yet trimmed.
  std::vector<HeaderField> fields;
  std::size_t body_start = 0;  // offset of the body in the text read
  // What ended the header: an empty line; a line that is not a field, which then
  // starts the body; or the end of the text (the body is then empty).
  enum class End { kBlankLine, kNonFieldLine, kEndOfText };
  End end = End::kEndOfText;
};

TopHeader read_top_header(std::string_view text);

// The text mimetic needs in place of the header: the Content-Type fields, each so that
// mimetic reads back the same value, and an empty line where the header had one (or
// the text ended after a field, which mimetic only stores when a line follows). Never
// longer than the header it replaces: each byte stands for one of its bytes.
std::string mimetic_stand_in(const TopHeader& header);

}  // namespace bounced
