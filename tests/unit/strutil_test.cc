#include "common/strutil.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "common/json.h"
#include "test_random.h"

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

TEST_CASE("ifind finds what a byte-by-byte search finds, at every length and offset") {
  // The search takes 16 starts a step, then one step back from the end; its anchors
  // fold case only for letters. Haystacks over a small alphabet (both cases, the
  // bytes next to the letters in ASCII, and one above 0x7f) put needles at every
  // place around the steps, with many near misses.
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  auto naive = [&](std::string_view hay, std::string_view needle, std::size_t from) {
    if (from > hay.size()) return std::string_view::npos;
    for (std::size_t p = from; p + needle.size() <= hay.size(); ++p) {
      std::size_t j = 0;
      while (j < needle.size() && lower(hay[p + j]) == lower(needle[j])) ++j;
      if (j == needle.size()) return p;
    }
    return std::string_view::npos;
  };
  const std::string_view alphabet = "aAbB@`[{ 9\xe9";
  TestRandom next{12345};
  auto random_text = [&](std::size_t len) {
    std::string s;
    for (std::size_t i = 0; i < len; ++i) s.push_back(alphabet[next(static_cast<std::uint32_t>(alphabet.size()))]);
    return s;
  };
  std::size_t found = 0;
  for (int round = 0; round < 4000; ++round) {
    const std::string hay = random_text(next(round % 2 == 0 ? 70 : 160));
    std::string needle = random_text(1 + next(4));
    if (round % 3 == 0 && hay.size() >= 2) {  // a needle taken from the text, its case changed
      const std::size_t at = next(static_cast<std::uint32_t>(hay.size() - 1));
      needle = hay.substr(at, 1 + next(static_cast<std::uint32_t>(std::min<std::size_t>(5, hay.size() - at))));
      for (char& c : needle)
        if (next(2) == 0) c = static_cast<char>((c >= 'a' && c <= 'z') ? c - 32 : (c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    for (std::size_t from = 0; from <= hay.size() + 1; ++from) {
      const std::size_t want = naive(hay, needle, from);
      REQUIRE_MESSAGE(ifind(hay, needle, from) == want, "hay '" << hay << "' needle '" << needle << "' from " << from);
      found += want != std::string_view::npos;
    }
  }
  CHECK(found > 10000);  // the needles are found often enough to test the matches
}

TEST_CASE("count_byte counts every match, across its 16-byte steps and 255-step rounds") {
  std::string s;
  std::size_t want = 0;
  for (std::size_t len = 0; len < 9000; ++len) {
    if (len % 97 == 0 || len < 40 || (len > 4070 && len < 4100)) {
      CHECK(count_byte(s, '\n') == want);
      CHECK(count_byte(s, '\xff') == len / 3);
    }
    const bool nl = (len * 7) % 5 == 0 || (len > 4000 && len < 4200);  // runs of matches too
    s.push_back(len % 3 == 2 ? '\xff' : nl ? '\n' : 'a');
    want += s.back() == '\n';
  }
  CHECK(count_byte(s, '\n') == want);
  CHECK(count_byte(std::string(5000, '\n'), '\n') == 5000);  // every lane full, more than once
}

TEST_CASE("JSON objects: fields in order, keys and values escaped, the object taken whole") {
  JsonObject o;
  o.add("plain", "value").add("key \"quoted\"", "line\nbreak").add_raw("n", "[1,2]");
  const std::string copy = o.str();
  CHECK(copy == "{\"plain\":\"value\",\"key \\\"quoted\\\"\":\"line\\nbreak\",\"n\":[1,2]}");
  CHECK(std::move(o).str() == copy);
  CHECK(JsonObject().str() == "{}");
}

TEST_CASE("is_ascii sees a byte of 0x80 or above anywhere, in 64-byte steps, words and tails") {
  for (std::size_t len : {0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 130, 200}) {
    const std::string plain(len, '\x7f');
    CHECK(is_ascii(plain));
    for (std::size_t at = 0; at < len; ++at) {
      for (const char high : {'\x80', '\xff'}) {
        std::string s = plain;
        s[at] = high;
        CAPTURE(len);
        CAPTURE(at);
        CHECK_FALSE(is_ascii(s));
      }
    }
  }
}

TEST_CASE("squeeze_spaces: each run of white space is one ' ', none at the ends") {
  // The byte-at-a-time rule, against sixteen-byte steps: words of 0-30 bytes between
  // runs of every white space byte, and bytes next to them in ASCII and above 0x7f.
  auto reference = [](std::string_view v) {
    std::string out;
    bool space = false;
    for (const char c : trim(v)) {
      if (is_space(c)) {
        space = true;
        continue;
      }
      if (space) out += ' ';
      space = false;
      out += c;
    }
    return out;
  };
  const std::string_view runs[] = {" ", "  ", "\t", "\n", "\r\n", "\v", "\f", " \n ", "\r"};
  const std::string_view letters = "ab\x08\x0e\x1f!\xe9\x80";
  TestRandom next{3};
  for (int round = 0; round < 4000; ++round) {
    std::string v;
    for (std::uint32_t k = next(8); k > 0; --k) {
      for (std::uint32_t n = next(31); n > 0; --n)
        v += letters[next(static_cast<std::uint32_t>(letters.size()))];
      v += runs[next(std::size(runs))];
    }
    CAPTURE(v);
    CHECK(squeeze_spaces(v) == reference(v));
  }
}

TEST_CASE("split, trim, squeeze") {
  CHECK(trim("  a b \n") == "a b");
  CHECK(trim("\t\v\f\r\n x\ty \r\n\f\v\t") == "x\ty");  // every white space byte, and only those
  CHECK(trim("\x08x\x0e") == "\x08x\x0e");
  CHECK(trim(" \t\n") == "");
  CHECK(trim("") == "");
  CHECK(iequals("Content-Type", "content-TYPE"));
  CHECK_FALSE(iequals("Content-Type", "Content-Typ"));
  CHECK_FALSE(iequals("ab", "a\xc1"));  // 0xC1 is no upper case of 'b'
  CHECK_FALSE(iequals("[", "{"));       // case folding is for letters only
  CHECK(iequals("", ""));
  CHECK(squeeze_spaces(" a \t\n b  ") == "a b");
  auto lines = split_lines("a\n\nb");
  REQUIRE(lines.size() == 3);
  CHECK(lines[1].empty());
}

TEST_CASE("JSON strings: every byte that needs escaping, at every place in a word") {
  // Each special byte and what JSON makes of it (NUL is dropped, as broken UTF-8 is
  // replaced): in runs of 'a' that end before, at and after eight- and sixteen-byte
  // steps; and bytes of 0x7f (plain) and 0x80 and above (UTF-8 checked).
  const std::pair<char, std::string_view> specials[] = {
      {'"', "\\\""}, {'\\', "\\\\"}, {'\n', "\\n"},     {'\r', "\\r"},
      {'\t', "\\t"}, {'\x01', "\\u0001"}, {'\x1f', "\\u001f"}, {'\0', ""},
      {'\x7f', "\x7f"}, {'\x80', "\xef\xbf\xbd"}, {'\xff', "\xef\xbf\xbd"}};
  for (std::size_t len : {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 47, 48, 63}) {
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
