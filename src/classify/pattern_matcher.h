// pattern_matcher.h - which of many regexes occur in a text.
//
// RE2 has the last word on every match. Without help it runs all patterns as one
// RE2::Set, whose automaton is built lazily: the first pass over new text costs about
// 300 us per diagnostic with the shipped rules (3.5-5 us once warm), which is most of a
// short `bouncectl parse` run and of a daemon's first minutes. With Hyperscan built in
// (Debian's libhyperscan-dev, amd64), Hyperscan proposes the candidates in one pass
// with nothing built lazily (about 2 us per diagnostic from the first) and RE2 confirms
// each candidate, so the answers are RE2's either way; a pattern that Hyperscan
// matches exactly as RE2 (detail::hyperscan_exactness) is compiled without
// prefiltering and its match needs no confirmation. Compiling the Hyperscan database
// costs about 0.6 s for the shipped rules, so it is kept in a cache directory, keyed by
// the patterns, their flags and the Hyperscan version, and loaded in milliseconds
// next time. Once warm, the RE2::Set reads a text with fewer instructions than
// Hyperscan's scan of its 1 MB database, so a matcher that has read enough texts to
// repay the set's build and warm-up hands over to it (MatcherOptions::hyperscan_texts).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bounced {

struct MatcherOptions {
  std::string cache_dir;  // where compiled databases are kept; empty: never kept
  bool hyperscan = true;  // false: RE2::Set alone (tests compare the two)
  // Texts Hyperscan reads before the RE2::Set takes over (0: Hyperscan to the end).
  // The hand-over costs about 1.1G instructions (0.3-0.4 s: the set's build, 0.35G,
  // and its lazily built DFA's first pass over the dev corpus's diagnostics, 0.8G);
  // the warm set then saves about 8,800 instructions a text (3,300 against 12,100 for
  // Hyperscan, whose matches need no confirmation). It pays after about 130,000 texts,
  // so the hand-over comes then: a run is never more than about twice as slow as the
  // better of the two choices made knowing its length (as renting skis until their
  // price is spent, then buying).
  unsigned long hyperscan_texts = 125000;
  // false: use Hyperscan only when its database is in the cache, never compile it
  // (a daemon's reload: the compile would hold up the loop that serves clients; the
  // RE2::Set alone takes tens of milliseconds).
  bool compile = true;
};

class PatternMatcher {
 public:
  // Every pattern must be one RE2 accepts (the rule loader checks).
  PatternMatcher(std::vector<std::string> patterns, bool case_sensitive,
                 const MatcherOptions& options);
  ~PatternMatcher();
  PatternMatcher(const PatternMatcher&) = delete;
  PatternMatcher& operator=(const PatternMatcher&) = delete;

  // Appends the indices of the patterns that match somewhere in text (any order).
  void match(std::string_view text, std::vector<int>& out) const;

  // The same in two steps, for a caller that needs only some of the answers: appends
  // to sure the patterns that match, and to maybe those that may match; a pattern in
  // maybe matches only if confirm(text, pattern) says so (an RE2 run, the pattern's
  // own automaton built on its first use). Every pattern that matches is in one of
  // the two; maybe is empty unless Hyperscan proposed candidates.
  void propose(std::string_view text, std::vector<int>& sure, std::vector<int>& maybe) const;
  bool confirm(std::string_view text, int pattern) const;

  // How matching is done, for `bouncectl rules` and the daemon's log:
  // "re2", or "hyperscan (database loaded from the cache)", ...
  const std::string& engine() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether this build and CPU can use Hyperscan.
bool hyperscan_available();

// Ordered: a pattern is sure on a text where it is at least as exact as the text needs.
enum class HyperscanExactness { kNever, kPlainText, kAlways };

namespace detail {
// Patterns Hyperscan is given: ASCII only, and only escapes whose meaning is the
// same in both engines on ASCII text (\s \d \w \b, escaped punctuation, ...).
bool prefilter_safe(std::string_view pattern);
// Where Hyperscan, given a pattern as it is (not as a prefilter), matches exactly where
// RE2 does, so that its match needs no confirmation. Patterns of printable ASCII made
// of literal characters, groups, alternation, ? * + (never lazy or possessive) and
// counted repeats up to 255, ^, \b \B \d \w, escaped punctuation and classes of such
// characters or of ranges within digits, lower or upper case letters read alike on
// every text Hyperscan scans (no character there folds to an ASCII letter, so case-
// insensitive matches agree too): kAlways. With '.', negated classes, \D \W \S (which
// take the 0x80 that stands for a non-ASCII character), \s (Hyperscan's also takes \v)
// or '$' (Hyperscan's also matches before a final newline): kPlainText, exact on a
// plain_text. Anything else (flags, other escapes, bigger repeats): kNever.
HyperscanExactness hyperscan_exactness(std::string_view pattern);
// Text on which a kPlainText pattern reads alike: ASCII, no \v, no final newline.
bool plain_text(std::string_view text);
// The text Hyperscan scans: each non-ASCII character (a lead byte with its
// continuation bytes, or a stray byte) becomes the single byte 0x80, which only '.',
// negated classes and \W \S \D take, as RE2 takes a non-ASCII character there.
std::string fold_non_ascii(std::string_view text);
// Text RE2 must read alone: it holds a character that RE2's case folding equates
// with an ASCII letter (KELVIN SIGN with k, LATIN SMALL LETTER LONG S with s).
bool has_ascii_fold(std::string_view text);
}  // namespace detail

}  // namespace bounced
