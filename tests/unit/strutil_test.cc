#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>

#include "common/json.h"
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

TEST_CASE("JSON strings: every byte that needs escaping, at every place in a word") {
  // Each special byte and what JSON makes of it (NUL is dropped, as broken UTF-8 is
  // replaced): in runs of 'a' that end before, at and after eight-byte words.
  const std::pair<char, std::string_view> specials[] = {
      {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"},     {'\r', "\\r"},
      {'\t', "\\t"}, {'\x01', "\\u0001"}, {'\x1f', "\\u001f"}, {'\0', ""}};
  for (std::size_t len : {1, 7, 8, 9, 15, 16, 17, 31}) {
    for (std::size_t at = 0; at < len; ++at) {
      for (const auto& [c, escaped] : specials) {
        std::string s(len, 'a');
        s[at] = c;
        std::string out;
        json_append_string(out, s);
        CAPTURE(len);
        CAPTURE(at);
        std::string expected = "\"";
        expected.append(at, 'a');
        expected += escaped;
        expected.append(len - at - 1, 'a');
        expected += '"';
        CHECK(out == expected);
      }
    }
  }
  std::string out;
  json_append_string(out, "plain ascii text, longer than a word ~ with every printable: !#$%&'()*+,-./:;<=>?@[]^_`{|}");
  CHECK(out == "\"plain ascii text, longer than a word ~ with every printable: !#$%&'()*+,-./:;<=>?@[]^_`{|}\"");
  out.clear();
  json_append_string(out, "caf\xc3\xa9 ok");  // valid UTF-8 is kept
  CHECK(out == "\"caf\xc3\xa9 ok\"");
  out.clear();
  json_append_string(out, "bad \xff byte in a longer text");  // broken UTF-8 is replaced
  CHECK(out == "\"bad \xef\xbf\xbd byte in a longer text\"");
  out.clear();
  json_append_string(out, "");
  CHECK(out == "\"\"");
}
