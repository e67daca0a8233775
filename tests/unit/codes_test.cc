#include <doctest/doctest.h>

#include "report/codes.h"

using namespace bounced;

TEST_CASE("enhanced status codes are found in free text") {
  CHECK(find_status_code("550 5.1.1 <a@b.example>: user unknown") == "5.1.1");
  CHECK(find_status_code("host 192.0.2.1 said: 452 4.2.2 over quota") == "4.2.2");
  CHECK(find_status_code("version 5.12.3.4 of the thing") == "");
  CHECK(find_status_code("#5.7.26 unauthenticated") == "5.7.26");
  CHECK(find_status_code("2.0.0 ok then 5.2.2 full") == "5.2.2");
  CHECK(find_status_code("no code here") == "");
}

TEST_CASE("reply codes are found at the start or before a status code") {
  CHECK(find_reply_code("550 5.1.1 unknown") == "550");
  CHECK(find_reply_code("host mx.example.net said: 554-5.7.1 refused") == "554");
  CHECK(find_reply_code("Sorry, 12345 things") == "");
  CHECK(find_reply_code("said: 421 try later") == "421");
}

TEST_CASE("status field cleanup and generic codes") {
  CHECK(clean_status("5.1.1 (user unknown)") == "5.1.1");
  CHECK(clean_status("garbage") == "");
  CHECK(is_generic_status("5.0.0"));
  CHECK_FALSE(is_generic_status("5.1.0"));
  CHECK(is_status_code("4.7.26"));
  CHECK_FALSE(is_status_code("4.7"));
}

TEST_CASE("reply codes: IPv6 groups and quoted greetings are no answer") {
  CHECK(find_reply_code("[(0) example.org. [2001:db8:220:6d::1]:25: socket error]") == "");
  CHECK(find_reply_code("220-mx.example.org 421 4.2.1 Service refused, try later") == "421");
  CHECK(find_reply_code("220 ready") == "220");
  CHECK(find_reply_code("error: 550 denied") == "550");
}

TEST_CASE("reply codes: a session transcript's answer line") {
  CHECK(find_reply_code(">>> MAIL FROM:<a@example.com> <<< 550 refused") == "550");
  CHECK(find_reply_code(">>> QUIT <<< 221 bye >>> RCPT TO:<b@example.org> <<< 554 no") == "554");
  CHECK(find_reply_code(">>> DATA <<< 250 ok") == "");
}
