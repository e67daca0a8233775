#include "common/address.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

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
  CHECK(rfc5322_to_iso("31 Dec 9999 23:59:59 -0001") == "");  // past year 9999 in UTC
  CHECK(rfc5322_to_iso("Thu, 31 Dec 1970 12:00:00 CEST") == "1970-12-31T10:00:00Z");
  CHECK(rfc5322_to_iso("1 JANUARY 1999 1:2") == "1999-01-01T01:02:00Z");
}

TEST_CASE("RFC 5322 dates: the calendar arithmetic agrees with timegm and gmtime_r") {
  // Every month's days (31 in each: past a month's end carries over, as timegm does),
  // leap years and centuries, second 60, and zones on both sides of midnight.
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int years[] = {1970, 1971, 1999, 2000, 2001, 2023, 2024, 2038, 2100, 2400, 4321, 9999};
  const int zones[] = {0, 1, -1, 59, -59, 540, -720, 1400, -1400, 9959};
  int checked = 0;
  for (int y : years)
    for (int mon = 0; mon < 12; ++mon)
      for (int day = 1; day <= 31; ++day) {
        const int hh = (day * 7) % 24, mm = (day * 13) % 60, ss = day == 31 ? 60 : (day * 17) % 60;
        const int zone = zones[(day + mon) % 10];
        char text[64];
        std::snprintf(text, sizeof text, "%d %s %d %02d:%02d:%02d %c%04d", day, months[mon], y, hh,
                      mm, ss, zone < 0 ? '-' : '+', zone < 0 ? -zone : zone);
        std::tm tm{};
        tm.tm_year = y - 1900;
        tm.tm_mon = mon;
        tm.tm_mday = day;
        tm.tm_hour = hh;
        tm.tm_min = mm;
        tm.tm_sec = ss;
        const int zone_minutes =
            (zone < 0 ? -1 : 1) * ((std::abs(zone) / 100) * 60 + std::abs(zone) % 100);
        const std::time_t t = timegm(&tm) - static_cast<std::time_t>(zone_minutes) * 60;
        std::tm out{};
        gmtime_r(&t, &out);
        char want[64] = "";
        if (out.tm_year + 1900 <= 9999)
          std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02dZ", out.tm_year + 1900,
                        out.tm_mon + 1, out.tm_mday, out.tm_hour, out.tm_min, out.tm_sec);
        REQUIRE_MESSAGE(rfc5322_to_iso(text) == want, text);
        ++checked;
      }
  CHECK(checked == 12 * 12 * 31);
}
