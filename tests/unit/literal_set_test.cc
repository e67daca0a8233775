#include "common/literal_set.h"

#include <doctest/doctest.h>

#include <string>

using namespace bounced;

namespace {
const std::vector<std::string_view> kPhrases = {
    "copy of the message", "the message", "Original", "abcdef", "cde", "x"};
}  // namespace

TEST_CASE("literal set: leftmost occurrence and first listed phrase") {
  for (bool hyperscan : {false, true}) {
    CAPTURE(hyperscan);
    const LiteralSet s(kPhrases, hyperscan);
    constexpr auto npos = std::string_view::npos;
    CHECK(s.earliest("") == npos);
    CHECK(s.first_listed("") == -1);
    CHECK(s.earliest("nothing here") == npos);
    CHECK(s.earliest("a COPY OF THE MESSAGE follows") == 2);  // case-insensitive
    CHECK(s.first_listed("a COPY OF THE MESSAGE follows") == 0);
    // "abcdef" starts before "cde" although it ends after it.
    CHECK(s.earliest("zzabcdefzz") == 2);
    CHECK(s.earliest("zzabcdezz") == 4);  // "cde" alone
    CHECK(s.first_listed("the message, then the Original, then x") == 1);
    CHECK(s.first_listed("x then original") == 2);
    CHECK(s.earliest(std::string("\0\xff x", 4)) == 3);  // any bytes
  }
}

TEST_CASE("literal set: Hyperscan and RE2 agree; non-ASCII phrases stay with RE2") {
  const LiteralSet fast(kPhrases, true), exact(kPhrases, false);
  CHECK(std::string(exact.engine()) == "re2");
  const std::string texts[] = {
      "---- copy of the message ----",    "abcde abcdef", "CDE", "\xc3\xa9x", "the messag",
      std::string(5000, 'a') + "Original"};
  for (const auto& t : texts) {
    CAPTURE(t);
    CHECK(fast.earliest(t) == exact.earliest(t));
    CHECK(fast.first_listed(t) == exact.first_listed(t));
  }
  const LiteralSet accented({"d\xc3\xa9j\xc3\xa0", "plain"}, true);
  CHECK(std::string(accented.engine()) == "re2");
  CHECK(accented.earliest("xx d\xc3\xa9j\xc3\xa0") == 3);
}
