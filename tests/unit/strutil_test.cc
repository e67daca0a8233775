#include <doctest/doctest.h>

#include "common/strutil.h"

using namespace bounced;

TEST_CASE("ifind is case-insensitive and honours the start offset") {
  CHECK(ifind("Hello World", "world") == 6);
  CHECK(ifind("Hello World", "WORLD") == 6);
  CHECK(ifind("aaAAb", "aab") == 2);
  CHECK(ifind("abcabc", "abc", 1) == 3);
  CHECK(ifind("abc", "abcd") == std::string_view::npos);
  CHECK(ifind("abc", "") == 0);
  CHECK(ifind("abc", "c", 3) == std::string_view::npos);
  CHECK(ifind("x-1 Mailbox FULL", "mailbox full") == 4);
  CHECK(ifind("1234", "34") == 2);
  CHECK(ifind("no match here", "zzz") == std::string_view::npos);
}

TEST_CASE("split, trim, squeeze") {
  CHECK(trim("  a b \n") == "a b");
  CHECK(squeeze_spaces(" a \t\n b  ") == "a b");
  auto lines = split_lines("a\n\nb");
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].empty());
}
