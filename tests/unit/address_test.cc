#include <doctest/doctest.h>

#include "common/address.h"
#include "common/date.h"

using namespace bounced;

TEST_CASE("addresses are normalised: type prefix, brackets, domain case") {
  CHECK(normalize_address("rfc822; <Jane.Doe@Example.COM>") == "Jane.Doe@example.com");
  CHECK(normalize_address("\"bob@example.org\"") == "bob@example.org");
  CHECK(normalize_address("utf-8; 用户@例子.example") == "用户@例子.example");
  CHECK(normalize_address("not an address") == "");
  CHECK(normalize_address("a b@example.com") == "");
}

TEST_CASE("addresses are found in text") {
  auto all = find_addresses("<one@example.net>: no such user; cc two@Example.ORG.");
  REQUIRE(all.size() == 2);
  CHECK(all[0] == "one@example.net");
  CHECK(all[1] == "two@example.org");
}

TEST_CASE("VERP envelope addresses decode to the recipient") {
  CHECK(decode_verp("bounces+user=example.com@lists.example.org", "bounces", '+') == "user@example.com");
  CHECK(decode_verp("<bounces-x=y.example@l.example>", "bounces", '-') == "x@y.example");
  CHECK(decode_verp("other+user=example.com@lists.example.org", "bounces", '+') == "");
}

TEST_CASE("RFC 5322 dates become ISO 8601 UTC") {
  CHECK(rfc5322_to_iso("Tue, 29 Apr 2014 23:34:45 +0900") == "2014-04-29T14:34:45Z");
  CHECK(rfc5322_to_iso("dns; Mon, 1 Jan 2024 00:00:00 -0100 (EST)") == "2024-01-01T01:00:00Z");
  CHECK(rfc5322_to_iso("29 Feb 2020 10:00 GMT") == "2020-02-29T10:00:00Z");
  CHECK(rfc5322_to_iso("yesterday") == "");
}
