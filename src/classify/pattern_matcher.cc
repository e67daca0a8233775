// pattern_matcher.cc - RE2::Set, or Hyperscan candidates confirmed by RE2.
#include "classify/pattern_matcher.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "common/blob_cache.h"
#include "common/hs_scratch.h"
#include "common/strutil.h"

namespace bounced {

namespace detail {

bool prefilter_safe(std::string_view pattern) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto c = static_cast<unsigned char>(pattern[i]);
    if (c >= 0x80 || c == 0) return false;
    if (c != '\\') continue;
    if (++i == pattern.size()) return false;
    const auto e = static_cast<unsigned char>(pattern[i]);
    // Classes and anchors that read ASCII alike (Hyperscan's \s also takes \v: more,
    // never less), and escaped punctuation. Not \x \p \C \Q or octal: they can name
    // bytes or characters beyond ASCII, which the engines read differently.
    if (e != 0 && std::strchr("sSdDwWbBtnrfAz", e) != nullptr) continue;
    if (e < 0x80 && std::ispunct(e)) continue;
    return false;
  }
  return true;
}

namespace {

using Exactness = HyperscanExactness;

// What a backslash escape (the byte after the backslash) asks of the text: a word or
// digit class and escaped punctuation read alike everywhere; the negated classes and
// \s only on plain text (below). kNever for any other escape.
Exactness escape_exactness(char e) {
  if (e == 'd' || e == 'w') return Exactness::kAlways;
  if (e == 'D' || e == 'W' || e == 's' || e == 'S') return Exactness::kPlainText;
  if (e > 0x20 && e < 0x7f && std::ispunct(static_cast<unsigned char>(e)))
    return Exactness::kAlways;
  return Exactness::kNever;
}

// A class "[...]" at p[i] == '[': its end (after the ']') and what it asks of the
// text; npos for anything but literal characters, escapes as above and ranges within
// digits, lower or upper case letters (a negated class takes a non-ASCII character).
std::size_t class_end(std::string_view p, std::size_t i, Exactness& level) {
  std::size_t j = i + 1;
  if (j < p.size() && p[j] == '^') {
    level = std::min(level, Exactness::kPlainText);
    ++j;
  }
  if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is a literal
  while (j < p.size() && p[j] != ']') {
    if (p[j] == '\\') {
      if (j + 1 == p.size()) return std::string_view::npos;
      level = std::min(level, escape_exactness(p[j + 1]));
      j += 2;
    } else if (p[j] == '[') {
      return std::string_view::npos;
    } else if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
      const auto a = static_cast<unsigned char>(p[j]), b = static_cast<unsigned char>(p[j + 2]);
      const bool same_kind = (std::isdigit(a) && std::isdigit(b)) ||
                             (std::islower(a) && std::islower(b)) ||
                             (std::isupper(a) && std::isupper(b));
      if (!same_kind || a > b) return std::string_view::npos;
      j += 3;
    } else {
      ++j;
    }
  }
  return j < p.size() ? j + 1 : std::string_view::npos;
}

// A counted repeat "{m}", "{m,}" or "{m,n}" at p[i] == '{' with numbers up to 255 (a
// bigger one is left to prefiltering, which may widen it): its end, or npos.
std::size_t repeat_end(std::string_view p, std::size_t i) {
  std::size_t j = i + 1;
  int commas = 0, digits = 0, value = 0;
  for (; j < p.size() && p[j] != '}'; ++j) {
    if (p[j] == ',' && digits > 0 && commas == 0) {
      ++commas;
      digits = value = 0;
    } else if (std::isdigit(static_cast<unsigned char>(p[j])) && digits < 3) {
      ++digits;
      value = value * 10 + (p[j] - '0');
    } else {
      return std::string_view::npos;
    }
    if (value > 255) return std::string_view::npos;
  }
  if (j == p.size() || (digits == 0 && commas == 0)) return std::string_view::npos;
  return j + 1;
}

}  // namespace

HyperscanExactness hyperscan_exactness(std::string_view p) {
  if (p.empty()) return Exactness::kNever;
  for (const char c : p)
    if (c < 0x20 || c > 0x7e) return Exactness::kNever;
  Exactness level = Exactness::kAlways;
  int depth = 0;
  bool quantifiable = false;  // the last item was a character, class or group
  for (std::size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 == p.size()) return Exactness::kNever;
      const char e = p[i + 1];
      if (e == 'b' || e == 'B') {
        quantifiable = false;
      } else {
        level = std::min(level, escape_exactness(e));
        quantifiable = true;
      }
      i += 2;
    } else if (c == '.' || c == '$') {  // '.' takes a non-ASCII character, '$' a final newline
      level = std::min(level, Exactness::kPlainText);
      quantifiable = c == '.';
      ++i;
    } else if (c == '^') {
      quantifiable = false;
      ++i;
    } else if (c == '{') {
      if (!quantifiable) return Exactness::kNever;
      i = repeat_end(p, i);
      if (i == std::string_view::npos) return Exactness::kNever;
      quantifiable = false;
    } else if (c == '}') {
      return Exactness::kNever;
    } else if (c == '(') {
      if (p.substr(i, 2) == "(?" && p.substr(i, 3) != "(?:")
        return Exactness::kNever;  // flags, names
      i += p.substr(i, 3) == "(?:" ? 3 : 1;
      ++depth;
      quantifiable = false;
    } else if (c == ')') {
      if (--depth < 0) return Exactness::kNever;
      quantifiable = true;
      ++i;
    } else if (c == '|') {
      quantifiable = false;
      ++i;
    } else if (c == '?' || c == '*' || c == '+') {
      if (!quantifiable)
        return Exactness::kNever;  // lazy or possessive forms, or nothing to repeat
      quantifiable = false;
      ++i;
    } else if (c == '[') {
      i = class_end(p, i, level);
      if (i == std::string_view::npos) return Exactness::kNever;
      quantifiable = true;
    } else {
      quantifiable = true;
      ++i;
    }
    if (level == Exactness::kNever) return level;
  }
  return depth == 0 ? level : Exactness::kNever;
}

bool plain_text(std::string_view text) {
  return is_ascii(text) && text.find('\v') == std::string_view::npos && !text.ends_with('\n');
}

std::string fold_non_ascii(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    // A lead byte takes as many continuation bytes as it announces; whatever RE2
    // reads as one character is one byte here. A malformed sequence RE2 cannot read
    // at all, so how it is folded changes no match.
    const std::size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    std::size_t j = i + 1;
    while (j < text.size() && j < i + len && (static_cast<unsigned char>(text[j]) & 0xc0) == 0x80)
      ++j;
    out.push_back('\x80');
    i = j;
  }
  return out;
}

bool has_ascii_fold(std::string_view text) {
  return text.find("\xe2\x84\xaa") != std::string_view::npos ||  // U+212A KELVIN SIGN ~ k
         text.find("\xc5\xbf") != std::string_view::npos;        // U+017F LONG S ~ s
}

}  // namespace detail

namespace {

re2::StringPiece piece(std::string_view s) { return re2::StringPiece(s.data(), s.size()); }

}  // namespace

struct PatternMatcher::Impl {
  std::vector<std::string> patterns;
  RE2::Options options;
  std::string engine = "re2";

  // One RE2 per pattern, compiled on first need: to confirm candidates, and when a
  // set's automaton runs out of memory (compiling all up front doubled the start-up
  // time of every bouncectl run).
  std::unique_ptr<std::once_flag[]> single_once;
  mutable std::vector<std::unique_ptr<re2::RE2>> singles;

  // Patterns as RE2::Sets. `all` holds every pattern: the path without Hyperscan, and
  // for the rare text RE2 must read alone (built on that first need then). `residual`
  // holds those Hyperscan is not given.
  struct ExactSet {
    std::unique_ptr<re2::RE2::Set> set;
    std::vector<int> index;  // set position -> pattern index
  };
  mutable std::once_flag all_once;
  mutable ExactSet all;
  ExactSet residual;

#ifdef BOUNCED_HAVE_HYPERSCAN
  unsigned long hyperscan_texts = 0;            // 0: no hand-over
  mutable std::atomic<unsigned long> texts{0};  // texts Hyperscan has read
  hs_database_t* db = nullptr;
  ScratchPool scratch;
#endif

  const re2::RE2& single(int i) const {
    const auto u = static_cast<std::size_t>(i);
    std::call_once(single_once[u],
                   [&] { singles[u] = std::make_unique<re2::RE2>(patterns[u], options); });
    return *singles[u];
  }

  ExactSet make_set(const std::vector<int>& which) const {
    ExactSet s;
    if (which.empty()) return s;
    RE2::Options o = options;
    // Bounds the lazily built DFA (about two thirds of this): the shipped rules need
    // under 16 MB on real bounces; beyond the bound RE2 drops its cached states and
    // goes on, so a daemon that reads very varied text keeps a bounded footprint.
    o.set_max_mem(64 << 20);
    s.set = std::make_unique<re2::RE2::Set>(o, RE2::UNANCHORED);
    for (int i : which)
      if (s.set->Add(patterns[static_cast<std::size_t>(i)], nullptr) >= 0) s.index.push_back(i);
    if (s.index.empty() || !s.set->Compile()) s.set.reset();
    return s;
  }

  void match_exact(const ExactSet& s, std::string_view text, std::vector<int>& out) const {
    if (s.index.empty()) return;
    std::vector<int> found;
    re2::RE2::Set::ErrorInfo info{};
    if (s.set && s.set->Match(piece(text), &found, &info)) {
      for (int k : found) out.push_back(s.index[static_cast<std::size_t>(k)]);
      return;
    }
    if (s.set && info.kind == re2::RE2::Set::kNoError) return;  // no match
    // The set could not run: match one by one (still linear time).
    for (int i : s.index)
      if (re2::RE2::PartialMatch(piece(text), single(i))) out.push_back(i);
  }

  void match_all(std::string_view text, std::vector<int>& out) const {
    std::call_once(all_once, [&] {
      std::vector<int> every(patterns.size());
      for (std::size_t i = 0; i < every.size(); ++i) every[i] = static_cast<int>(i);
      all = make_set(every);
    });
    match_exact(all, text, out);
  }

#ifdef BOUNCED_HAVE_HYPERSCAN
  ~Impl() {
    if (db) hs_free_database(db);
  }

  // A pattern Hyperscan reads as RE2 does (detail::hyperscan_exactness) is compiled as
  // it is, any other in prefilter mode (a match is a candidate that RE2 confirms).
  unsigned flags(std::size_t pattern, bool case_sensitive) const {
    return HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY |
           (exact[pattern] == HyperscanExactness::kNever ? HS_FLAG_PREFILTER : 0u) |
           (case_sensitive ? 0u : HS_FLAG_CASELESS);
  }

  // The cache file: the count of patterns given, their indices (4 bytes each,
  // little-endian), then the serialized database.
  bool load_cached(std::string_view blob, std::vector<int>& given) {  // given: read from the file
    if (blob.size() < 4) return false;
    const std::uint32_t n = read_u32(blob, 0);
    if (n > patterns.size() || blob.size() < 4 + 4 * static_cast<std::size_t>(n)) return false;
    given.clear();
    for (std::uint32_t k = 0; k < n; ++k) {
      const std::uint32_t i = read_u32(blob, 4 + 4 * static_cast<std::size_t>(k));
      if (i >= patterns.size() || (!given.empty() && static_cast<int>(i) <= given.back()))
        return false;
      given.push_back(static_cast<int>(i));
    }
    const std::string_view bytes = blob.substr(4 + 4 * static_cast<std::size_t>(n));
    return hs_deserialize_database(bytes.data(), bytes.size(), &db) == HS_SUCCESS;
  }

  bool compile(std::vector<int>& given, bool case_sensitive) {
    // Leave out what Hyperscan cannot take; a pattern it refuses only when compiled
    // with the others leaves too, and the rest is compiled again.
    std::vector<int> ok;
    for (int i : given) {
      hs_expr_info_t* info = nullptr;
      hs_compile_error_t* err = nullptr;
      const auto at = static_cast<std::size_t>(i);
      if (hs_expression_info(patterns[at].c_str(), flags(at, case_sensitive), &info, &err) ==
          HS_SUCCESS) {
        ok.push_back(i);
        std::free(info);
      } else {
        hs_free_compile_error(err);
      }
    }
    given = ok;
    for (int attempt = 0; attempt < 4 && !given.empty(); ++attempt) {
      std::vector<const char*> exprs;
      std::vector<unsigned> fl, ids;
      for (int i : given) {
        exprs.push_back(patterns[static_cast<std::size_t>(i)].c_str());
        fl.push_back(flags(static_cast<std::size_t>(i), case_sensitive));
        ids.push_back(static_cast<unsigned>(i));
      }
      hs_compile_error_t* err = nullptr;
      if (hs_compile_multi(exprs.data(), fl.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                           HS_MODE_BLOCK, nullptr, &db, &err) == HS_SUCCESS)
        return true;
      const int bad = err ? err->expression : -1;
      hs_free_compile_error(err);
      db = nullptr;
      if (bad < 0 || static_cast<std::size_t>(bad) >= given.size()) return false;
      given.erase(given.begin() + bad);
    }
    return false;
  }

  // Sets up Hyperscan for the patterns it can take; false leaves the RE2 path.
  bool setup_hyperscan(bool case_sensitive, const MatcherOptions& mo) {
    exact.resize(patterns.size());
    std::vector<int> given;
    std::string key_text = std::string("bounced-hs-2\n") + hs_version() + "\n";
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      exact[i] = detail::hyperscan_exactness(patterns[i]);
      key_text += patterns[i];
      key_text += '\0' + std::to_string(flags(i, case_sensitive)) + '\0';
      if (detail::prefilter_safe(patterns[i])) given.push_back(static_cast<int>(i));
    }
    const std::uint64_t key = fnv1a64(key_text);
    const std::string prefix = case_sensitive ? "patterns-cs" : "patterns-ci";
    const auto start = std::chrono::steady_clock::now();
    std::string how;
    std::vector<int> cached;
    if (auto blob = cache_read(mo.cache_dir, prefix, key, std::size_t{256} << 20);
        blob && load_cached(*blob, cached) &&
        std::includes(given.begin(), given.end(), cached.begin(), cached.end())) {
      given = std::move(cached);
      how = "database loaded from " + mo.cache_dir;
    } else {
      if (db) hs_free_database(db);
      db = nullptr;
      if (!mo.compile) {
        engine = "re2 (no Hyperscan database for these patterns in the cache)";
        return false;
      }
      if (!compile(given, case_sensitive)) return false;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
      how = "database compiled in " + std::to_string(ms.count()) + " ms";
      char* bytes = nullptr;
      std::size_t size = 0;
      if (!mo.cache_dir.empty() && hs_serialize_database(db, &bytes, &size) == HS_SUCCESS) {
        std::string blob;
        append_u32(blob, static_cast<std::uint32_t>(given.size()));
        for (int i : given) append_u32(blob, static_cast<std::uint32_t>(i));
        blob.append(bytes, size);
        std::free(bytes);
        how += cache_write(mo.cache_dir, prefix, key, blob)
                   ? ", kept in " + mo.cache_dir
                   : ", not kept (" + mo.cache_dir + " is not writable)";
      }
    }
    if (!scratch.init(db)) {
      hs_free_database(db);
      db = nullptr;
      return false;
    }
    std::vector<int> rest;
    std::size_t g = 0;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      if (g < given.size() && given[g] == static_cast<int>(i))
        ++g;
      else
        rest.push_back(static_cast<int>(i));
    }
    residual = make_set(rest);
    engine = "hyperscan (" + std::to_string(given.size()) + " patterns, " +
             std::to_string(rest.size()) + " read by RE2 alone; " + how + ")";
    if (hyperscan_texts) engine += ", then RE2 after " + std::to_string(hyperscan_texts) + " texts";
    return true;
  }

  // Where each pattern's Hyperscan match is RE2's match too.
  std::vector<HyperscanExactness> exact;

  struct Found {
    const Impl* self;
    HyperscanExactness sure_from;  // a match is sure where the pattern is this exact
    std::vector<int>* sure;
    std::vector<int>* maybe;
  };
  static int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
    const auto* found = static_cast<const Found*>(ctx);
    (found->self->exact[id] >= found->sure_from ? found->sure : found->maybe)
        ->push_back(static_cast<int>(id));
    return 0;
  }

  // False when Hyperscan could not run on this text or has handed over to RE2; sure
  // and maybe are then unchanged. Hyperscan's candidates go to maybe (RE2 confirms
  // them on demand), the patterns RE2 reads alone to sure.
  bool propose_hyperscan(std::string_view text, std::vector<int>& sure,
                         std::vector<int>& maybe) const {
    if (hyperscan_texts && (texts.load(std::memory_order_relaxed) >= hyperscan_texts ||
                            texts.fetch_add(1, std::memory_order_relaxed) >= hyperscan_texts))
      return false;
    if (text.size() > UINT_MAX / 2 || detail::has_ascii_fold(text)) return false;
    const bool plain = detail::plain_text(text);
    std::string folded;
    std::string_view scan = text;
    if (!plain && !is_ascii(text)) {
      folded = detail::fold_non_ascii(text);
      scan = folded;
    }
    const std::size_t had_sure = sure.size(), had = maybe.size();
    {
      const ScratchLease lease(scratch);
      Found found{this, plain ? HyperscanExactness::kPlainText : HyperscanExactness::kAlways, &sure,
                  &maybe};
      if (!lease.get() || hs_scan(db, scan.data(), static_cast<unsigned>(scan.size()), 0,
                                  lease.get(), on_match, &found) != HS_SUCCESS) {
        sure.resize(had_sure);
        maybe.resize(had);
        return false;
      }
    }
    match_exact(residual, text, sure);
    return true;
  }
#endif
};

PatternMatcher::PatternMatcher(std::vector<std::string> patterns, bool case_sensitive,
                               const MatcherOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.patterns = std::move(patterns);
  m.options.set_case_sensitive(case_sensitive);
  m.options.set_log_errors(false);
  // Groups are never read; without them the DFA states are smaller.
  m.options.set_never_capture(true);
  m.single_once.reset(new std::once_flag[m.patterns.size()]);
  m.singles.resize(m.patterns.size());
  if (m.patterns.empty()) return;
#ifdef BOUNCED_HAVE_HYPERSCAN
  m.hyperscan_texts = options.hyperscan_texts;
  if (options.hyperscan && hyperscan_available() && m.setup_hyperscan(case_sensitive, options))
    return;
#else
  (void)options;
#endif
  std::vector<int> found;
  m.match_all("", found);  // builds the set now: it is the path for every text
}

PatternMatcher::~PatternMatcher() = default;

void PatternMatcher::propose(std::string_view text, std::vector<int>& sure,
                             std::vector<int>& maybe) const {
  if (impl_->patterns.empty()) return;
#ifdef BOUNCED_HAVE_HYPERSCAN
  if (impl_->db && impl_->propose_hyperscan(text, sure, maybe)) return;
#else
  (void)maybe;  // RE2 alone is always sure
#endif
  impl_->match_all(text, sure);
}

bool PatternMatcher::confirm(std::string_view text, int pattern) const {
  return re2::RE2::PartialMatch(piece(text), impl_->single(pattern));
}

void PatternMatcher::match(std::string_view text, std::vector<int>& out) const {
  std::vector<int> maybe;
  propose(text, out, maybe);
  for (int i : maybe)
    if (confirm(text, i)) out.push_back(i);
}

const std::string& PatternMatcher::engine() const { return impl_->engine; }

bool hyperscan_available() {
#ifdef BOUNCED_HAVE_HYPERSCAN
  return hs_valid_platform() == HS_SUCCESS;
#else
  return false;
#endif
}

}  // namespace bounced
