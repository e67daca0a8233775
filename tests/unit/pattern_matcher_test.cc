#include "classify/pattern_matcher.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "classify/rule_loader.h"
#include "common/blob_cache.h"
#include "temp_dir.h"

using namespace bounced;

namespace {

std::vector<int> sorted_matches(const PatternMatcher& m, std::string_view text) {
  std::vector<int> out;
  m.match(text, out);
  std::sort(out.begin(), out.end());
  return out;
}

MatcherOptions re2_only() {
  MatcherOptions o;
  o.hyperscan = false;
  return o;
}

MatcherOptions hyperscan_only(const std::string& cache_dir = "") {
  MatcherOptions o;
  o.cache_dir = cache_dir;
  o.hyperscan_texts = 0;  // no hand-over: every text goes through Hyperscan
  return o;
}

// Texts where the two engines could part: non-ASCII in all its forms, characters that
// RE2's case folding equates with ASCII letters, a newline before the end, and bytes
// that are not UTF-8 at all.
const std::vector<std::string> kTexts = {
    "550 5.1.1 user unknown",
    "552 5.2.2 Mailbox full, quota exceeded",
    "caf\xc3\xa9 ok a\xc3\xa9"
    "b",
    "\xe2\x84\xaa"
    "elvin user unknown",  // KELVIN SIGN, then "elvin"
    "mailbox unavailable \xc5\xbf"
    "ender",
    "x at end\n",
    "\xff\xfe broken \xc3 utf-8 \xe2\x84 a\xf0\x9f\x98\x80"
    "b",
    "\xc3\xa9"
    "foo bar\xc3\xa9",
    "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x83\x9c\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9\xe3\x81"
    "\x8c\xe4\xb8\x80\xe6\x9d\xaf",
    "Bo\xc3\xaete pleine",
    "",
    "k",
    "x\vy, x \t y",
    "Mailbox Is FULL (S7) OK",
    "cab 77, Cab 7.",
};

}  // namespace

TEST_CASE("patterns Hyperscan is given: ASCII, and escapes both engines read alike") {
  CHECK(detail::prefilter_safe("user (unknown|not found)"));
  CHECK(detail::prefilter_safe("\\bquota\\b.{0,40}exceeded\\s+\\d+"));
  CHECK(detail::prefilter_safe("<[^\\s<>]*@[^\\s<>]*>"));
  CHECK(detail::prefilter_safe("^5\\.1\\.1$"));
  CHECK_FALSE(detail::prefilter_safe("bo\xc3\xaete pleine"));  // non-ASCII
  CHECK_FALSE(detail::prefilter_safe("\\x{e9}t\\x{e9}"));      // a character beyond ASCII
  CHECK_FALSE(detail::prefilter_safe("\\pL+ unknown"));        // a Unicode class
  CHECK_FALSE(detail::prefilter_safe("a\\C"));                 // any byte
  CHECK_FALSE(detail::prefilter_safe("\\101"));                // octal
  CHECK_FALSE(detail::prefilter_safe("trailing\\"));
}

TEST_CASE("patterns Hyperscan matches exactly as RE2 need no confirmation") {
  using E = HyperscanExactness;
  for (const char* p :
       {"mailbox full", "over quota, try later #2 <postmaster@localhost> = 'no'", "5\\.1\\.1",
        "(user|mailbox) (is )?(unknown|full)", "(?:no such )?user", "\\bS3\\d\\d\\d\\b",
        "[a-z0-9_]+ unknown", "[]x-] a+b*c?", "\\(\\w+\\)", "[\\d\\.]+", "(a|b)+", "^user", "\\Bx",
        "a{2}", "a{1,3}", "(ab){2,}", "x{255}"})
    CHECK_MESSAGE(detail::hyperscan_exactness(p) == E::kAlways, p);
  for (const char* p : {"5.1.1", "end$", "x\\s+y", "\\S+@", "\\W", "\\D", "[^a-z]", "[\\s,]",
                        "doesn.t", "user .{0,40} unknown"})
    CHECK_MESSAGE(detail::hyperscan_exactness(p) == E::kPlainText, p);
  for (const char* p : {"",          "[[:alpha:]]", "[a-Z]",  "[z-a]",     "[A-z]", "(?i)user",
                        "(?i:user)", "(?P<n>x)",    "a+?",    "a*+",       "a??",   "?a",
                        "(|*)",      "(a",          "a)",     "[ab",       "\\x41", "\\101",
                        "\\t",       "trailing\\",  "a{256}", "a{1,1000}", "{2}",   "a{",
                        "a{x}",      "a{,3}",       "a}",     "^*",        "\\b+"})
    CHECK_MESSAGE(detail::hyperscan_exactness(p) == E::kNever, p);
  CHECK(detail::hyperscan_exactness("bo\xc3\xaete") == E::kNever);  // not ASCII
  CHECK(detail::hyperscan_exactness("tab\there") == E::kNever);     // a control byte
  CHECK(detail::plain_text("550 5.1.1 user unknown"));
  CHECK(detail::plain_text(""));
  CHECK_FALSE(detail::plain_text("caf\xc3\xa9"));
  CHECK_FALSE(detail::plain_text("a\vb"));
  CHECK_FALSE(detail::plain_text("at end\n"));
  CHECK(detail::plain_text("two\nlines"));
}

TEST_CASE("the text Hyperscan scans: one byte 0x80 per non-ASCII character") {
  CHECK(detail::fold_non_ascii("abc") == "abc");
  CHECK(detail::fold_non_ascii("caf\xc3\xa9!") == "caf\x80!");
  CHECK(detail::fold_non_ascii("\xe3\x83\xa1\xe3\x83\xbc") == "\x80\x80");
  CHECK(detail::fold_non_ascii("a\xf0\x9f\x98\x80"
                               "b") ==
        "a\x80"
        "b");
  // Malformed: a lead byte whose continuation is missing stops at the next ASCII byte.
  CHECK(detail::fold_non_ascii("\xe2\x84z\xbf\xff") == "\x80z\x80\x80");
  CHECK(detail::has_ascii_fold("\xe2\x84\xaa"));
  CHECK(detail::has_ascii_fold("x\xc5\xbfy"));
  CHECK_FALSE(detail::has_ascii_fold("caf\xc3\xa9"));
}

TEST_CASE("Hyperscan's candidates confirmed by RE2 give RE2's answers") {
  const std::vector<std::string> patterns = {
      "user unknown",
      "a.b",
      "caf[^a-z]",
      "\\bfoo",
      "k",
      "kelvin",
      "sender",
      "end$",
      "x at end$",
      "mailbox full",
      "quota exceeded",
      "bo(i|\xc3\xae)te pleine",
      "\\x{e9}foo",
      "[^\\x00-\\x7f]b",
      "^$",
      "broken .{0,3}utf-8",
      "(?U)a+b",
      "\\s+\\d\\.\\d\\.\\d",
      "unavailable \\S+ender",
      "\\w\\W\\w",
      "(user|mailbox) (is )?(unknown|full)",  // 20
      "[a-c]+ [0-9]\\b",
      "\\(s\\d\\) ok",
      "x\\s+y",  // exact on plain text only: Hyperscan's \s also takes \v
      "at end\\b",
  };
  if (hyperscan_available()) {
    const PatternMatcher hs(patterns, false, hyperscan_only());
    CHECK(hs.engine().starts_with("hyperscan"));
  }
  for (bool case_sensitive : {false, true}) {
    const PatternMatcher exact(patterns, case_sensitive, re2_only());
    const PatternMatcher fast(patterns, case_sensitive, hyperscan_only());
    CHECK(exact.engine() == "re2");
    for (const auto& t : kTexts) {
      CAPTURE(t);
      CAPTURE(case_sensitive);
      CHECK(sorted_matches(fast, t) == sorted_matches(exact, t));
    }
  }
  // Spot checks that the answers are RE2's, not merely equal.
  const PatternMatcher fast(patterns, false, hyperscan_only());
  auto has = [](const std::vector<int>& v, int i) {
    return std::find(v.begin(), v.end(), i) != v.end();
  };
  CHECK(has(sorted_matches(fast,
                           "a\xc3\xa9"
                           "b"),
            1));                                           // '.' takes a whole character
  const auto at_end = sorted_matches(fast, "x at end\n");  // RE2's $ is the very end
  CHECK_FALSE(has(at_end, 7));
  CHECK_FALSE(has(at_end, 8));
  CHECK(has(sorted_matches(fast, "x at end"), 8));
  CHECK(has(sorted_matches(fast, "\xe2\x84\xaa"), 4));          // KELVIN SIGN folds to k
  CHECK(has(sorted_matches(fast,
                           "\xe2\x84\xaa"
                           "ELVIN"),
            5));                                                     // in a plain phrase too
  CHECK(has(sorted_matches(fast, "USER UNKNOWN"), 0));               // a plain phrase, either case
  CHECK_FALSE(has(sorted_matches(fast, "user\xc2\xa0unknown"), 0));  // no-break space: no
  CHECK(has(sorted_matches(fast, "Bo\xc3\xaete pleine"), 11));  // a pattern RE2 reads alone
  CHECK(has(sorted_matches(fast, "Mailbox Is FULL"), 20));      // exact patterns, either case
  CHECK_FALSE(has(sorted_matches(fast, "mailbox isfull"), 20));
  CHECK(has(sorted_matches(fast, "Cab 7."), 21));
  CHECK_FALSE(has(sorted_matches(fast, "cab 77"), 21));
  CHECK(has(sorted_matches(fast, "(S7) OK"), 22));
  CHECK_FALSE(has(sorted_matches(fast, "x\vy"), 23));  // RE2's \s is not \v
  CHECK(has(sorted_matches(fast, "x at end\n"), 24));
}

TEST_CASE("the shipped rules match alike with and without Hyperscan") {
  RuleSet set = load_rules(std::string(BOUNCED_SOURCE_DIR) + "/rules");
  REQUIRE(set.errors.empty());
  std::vector<std::string> ci, cs;
  for (const auto& r : set.rules)
    for (const auto& p : r.text) (r.case_sensitive ? cs : ci).push_back(p);
  std::vector<std::string> texts = kTexts;
  std::ifstream cases(std::string(BOUNCED_SOURCE_DIR) + "/tests/rules_cases.tsv");
  for (std::string line; std::getline(cases, line);) {
    const std::size_t tab = line.rfind('\t');
    if (tab == std::string::npos) continue;
    const std::string text = line.substr(tab + 1);
    texts.push_back(text);
    texts.push_back("\xc3\xa9 " + text + " \xe3\x83\xa1");  // the same amid non-ASCII text
  }
  REQUIRE(texts.size() > 400);
  std::size_t matched = 0;
  for (const auto* patterns : {&ci, &cs}) {
    const bool case_sensitive = patterns == &cs;
    const PatternMatcher exact(*patterns, case_sensitive, re2_only());
    const PatternMatcher fast(*patterns, case_sensitive, hyperscan_only());
    for (const auto& t : texts) {
      CAPTURE(t);
      const auto want = sorted_matches(exact, t);
      CHECK(sorted_matches(fast, t) == want);
      matched += want.size();
    }
  }
  CHECK(matched > texts.size() / 2);  // the comparison is not over texts that match nothing
}

TEST_CASE("after its share of texts Hyperscan hands over to RE2, with the same answers") {
  const std::vector<std::string> patterns = {"user unknown", "mailbox full", "a.b"};
  MatcherOptions o;
  o.hyperscan_texts = 2;
  const PatternMatcher m(patterns, false, o);
  const PatternMatcher exact(patterns, false, re2_only());
  if (hyperscan_available()) CHECK(m.engine().find("then RE2 after 2 texts") != std::string::npos);
  for (int round = 0; round < 3; ++round)
    for (const auto& t : kTexts) CHECK(sorted_matches(m, t) == sorted_matches(exact, t));
}

TEST_CASE("the compiled database is kept in the cache directory and read back") {
  if (!hyperscan_available()) return;
  TempDir dir;
  const std::vector<std::string> patterns = {"user unknown", "mailbox (is )?full",
                                             "quota.{0,20}exceeded"};
  const std::vector<int> want = {0, 1};
  {
    const PatternMatcher first(patterns, false, hyperscan_only(dir.path));
    CHECK(first.engine().find("compiled") != std::string::npos);
    CHECK(first.engine().find("kept in") != std::string::npos);
    CHECK(sorted_matches(first, "user unknown; mailbox is full") == want);
  }
  const PatternMatcher second(patterns, false, hyperscan_only(dir.path));
  CHECK(second.engine().find("loaded from") != std::string::npos);
  CHECK(sorted_matches(second, "user unknown; mailbox is full") == want);

  // Without compiling (a daemon's reload): the cached database, or RE2 alone.
  MatcherOptions quick = hyperscan_only(dir.path);
  quick.compile = false;
  const PatternMatcher cached(patterns, false, quick);
  CHECK(cached.engine().find("loaded from") != std::string::npos);
  const PatternMatcher uncached({"over quota"}, false, quick);
  CHECK(uncached.engine().starts_with("re2"));
  CHECK(sorted_matches(uncached, "you are over quota") == std::vector<int>{0});

  // Other patterns: another key, so a fresh compile; the first file stays.
  const PatternMatcher other({"over quota"}, false, hyperscan_only(dir.path));
  CHECK(other.engine().find("compiled") != std::string::npos);

  // A damaged file reads as a miss: compiled again, same answers.
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(e.file_size() / 2));
    f.write("garbage!", 8);
  }
  const PatternMatcher damaged(patterns, false, hyperscan_only(dir.path));
  CHECK(damaged.engine().find("compiled") != std::string::npos);
  CHECK(sorted_matches(damaged, "user unknown; mailbox is full") == want);

  // A file others may write is not trusted.
  for (const auto& e : std::filesystem::directory_iterator(dir.path))
    ::chmod(e.path().c_str(), 0666);
  const PatternMatcher shared(patterns, false, hyperscan_only(dir.path));
  CHECK(shared.engine().find("compiled") != std::string::npos);

  // A cache that cannot be written costs only the compile.
  const PatternMatcher nowhere(patterns, false, hyperscan_only("/proc/no-such-dir/cache"));
  CHECK(nowhere.engine().find("not kept") != std::string::npos);
  CHECK(sorted_matches(nowhere, "user unknown; mailbox is full") == want);
}

TEST_CASE("blob cache: keyed files, atomic writes, pruning") {
  TempDir dir;
  CHECK_FALSE(cache_read(dir.path, "t", 1, 100).has_value());
  REQUIRE(cache_write(dir.path, "t", 1, "hello"));
  CHECK(cache_read(dir.path, "t", 1, 100) == std::optional<std::string>("hello"));
  CHECK_FALSE(cache_read(dir.path, "t", 2, 100).has_value());  // another key
  CHECK_FALSE(cache_read(dir.path, "t", 1, 2).has_value());    // larger than allowed
  CHECK_FALSE(cache_read("", "t", 1, 100).has_value());
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {  // one byte changed
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.write("j", 1);
  }
  CHECK_FALSE(cache_read(dir.path, "t", 1, 100).has_value());
  for (std::uint64_t k = 10; k < 16; ++k) REQUIRE(cache_write(dir.path, "t", k, "x", 3));
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
    (void)e;
    ++files;
  }
  CHECK(files == 3);
  CHECK(fnv1a64("") == 14695981039346656037ull);
  CHECK(fnv1a64("a") != fnv1a64("b"));
  const std::string nested = dir.path + "/a/b";
  CHECK(cache_write(nested, "t", 1, "deep"));
  struct stat st {};
  REQUIRE(::stat(nested.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("blob cache: a change to any one byte of the cached bytes reads as a miss") {
  TempDir dir;
  const std::string blob = "0123456789abcdefghijklmnopqrstuvwxyz!";  // four words and a tail
  REQUIRE(cache_write(dir.path, "t", 7, blob));
  const std::string path = dir.path + "/t-0000000000000007-v2.bin";
  const auto size = static_cast<std::streamoff>(std::filesystem::file_size(path));
  const std::streamoff first = size - static_cast<std::streamoff>(blob.size());
  for (std::streamoff at = first; at < size; ++at) {
    CAPTURE(at);
    auto flip = [&] {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(at);
      char c = 0;
      f.read(&c, 1);
      c = static_cast<char>(c ^ 0x20);
      f.seekp(at);
      f.write(&c, 1);
    };
    flip();
    CHECK_FALSE(cache_read(dir.path, "t", 7, 100).has_value());
    flip();  // back as it was
    CHECK(cache_read(dir.path, "t", 7, 100) == std::optional<std::string>(blob));
  }
}
