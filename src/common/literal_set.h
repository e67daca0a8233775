// literal_set.h - a fixed list of phrases searched case-insensitively in one pass
// (RE2 compiles them into one automaton), instead of one scan per phrase.
#pragma once
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

namespace bounced {

class LiteralSet {
 public:
  explicit LiteralSet(const std::vector<std::string_view>& phrases);
  ~LiteralSet();
  LiteralSet(const LiteralSet&) = delete;
  LiteralSet& operator=(const LiteralSet&) = delete;

  // Position of the leftmost occurrence of any phrase, or npos.
  std::size_t earliest(std::string_view text) const;
  // Index (in the list) of the first listed phrase that occurs anywhere, or -1.
  int first_listed(std::string_view text) const;

 private:
  std::unique_ptr<re2::RE2> any_;   // (p1|p2|...) for earliest()
  std::unique_ptr<re2::RE2::Set> set_;  // every phrase, for first_listed() in one pass
};

}  // namespace bounced
