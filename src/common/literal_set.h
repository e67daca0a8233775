// literal_set.h - a fixed list of phrases searched case-insensitively in one pass,
// instead of one scan per phrase: Hyperscan's literal matcher where it is built in and
// every phrase is ASCII (its case folding is then exactly RE2's), else RE2 compiles
// them into one automaton.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bounced {

// Where the sets' compiled Hyperscan databases are kept between runs (the pattern
// cache's directory); empty (the default) compiles them in every process. Set it
// before the first set is built.
void set_literal_cache_dir(std::string dir);
std::string literal_cache_dir();

class LiteralSet {
 public:
  // hyperscan = false: RE2 alone (tests compare the two).
  explicit LiteralSet(const std::vector<std::string_view>& phrases, bool hyperscan = true);
  ~LiteralSet();
  LiteralSet(const LiteralSet&) = delete;
  LiteralSet& operator=(const LiteralSet&) = delete;

  // Position of the leftmost occurrence of any phrase, or npos.
  std::size_t earliest(std::string_view text) const;
  // Index (in the list) of the first listed phrase that occurs anywhere, or -1.
  int first_listed(std::string_view text) const;
  // "hyperscan" or "re2".
  const char* engine() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bounced
