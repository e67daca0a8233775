#include <doctest/doctest.h>

#include <string>

#include "common/strutil.h"
#include "mime/charset.h"
#include "mime/encoded_word.h"
#include "mime/header_list.h"
#include "mime/message.h"

using namespace bounced;

TEST_CASE("RFC 2047 encoded words decode, adjacent words join") {
  CHECK(decode_encoded_words("=?UTF-8?B?44GC?= =?UTF-8?B?44GE?=") == "\xE3\x81\x82\xE3\x81\x84");
  CHECK(decode_encoded_words("=?iso-8859-1?Q?caf=E9_au_lait?=") == "caf\xC3\xA9 au lait");
  CHECK(decode_encoded_words("plain text") == "plain text");
  CHECK(decode_encoded_words("=?broken") == "=?broken");
}

TEST_CASE("quoted-printable: escapes, soft line breaks, and a stray '=' kept as it is") {
  CHECK(decode_quoted_printable("caf=E9 =3D ok", false) == "caf\xE9 = ok");
  CHECK(decode_quoted_printable("long=\nline and=\r\nmore", false) == "longline andmore");
  CHECK(decode_quoted_printable("a=ZZ b=4", false) == "a=ZZ b=4");
  CHECK(decode_quoted_printable("ends with =", false) == "ends with =");
  CHECK(decode_quoted_printable("=", false) == "=");
  CHECK(decode_quoted_printable("no_escape_here", false) == "no_escape_here");
  CHECK(decode_quoted_printable("in_a_header=5F", true) == "in a header_");
}

TEST_CASE("charsets convert to UTF-8; unknown charsets never fail") {
  CHECK(to_utf8("caf\xE9", "iso-8859-1") == "caf\xC3\xA9");
  CHECK(to_utf8("caf\xE9", "x-no-such-charset") == "caf\xC3\xA9");
  CHECK(to_utf8("ok", "") == "ok");
  CHECK(sanitize_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("the ASCII test behind to_utf8 sees a high byte or an ESC anywhere, in or after whole words") {
  const std::string plain = "0123456789abcdefXYZ";  // two 8-byte words and a tail
  CHECK(to_utf8_owned(std::string(plain), "iso-8859-1") == plain);
  for (std::size_t at = 0; at < plain.size(); ++at) {
    std::string high = plain;
    high[at] = '\xE9';  // e-acute in ISO-8859-1: converted, so no longer the same bytes
    CHECK(to_utf8_owned(std::string(high), "iso-8859-1").find("\xC3\xA9") == at);
    std::string esc = plain;
    esc.replace(at, 1, "\x1B$B");  // ISO-2022-JP: switch to JIS X 0208 and back
    esc += "\x1B(B";
    CHECK(to_utf8_owned(std::string(esc), "iso-2022-jp").find('\x1B') == std::string::npos);
  }
}

TEST_CASE("a header block reads a line that is not a field as the field before it, folded without indent") {
  HeaderList h;
  parse_header_block("Received: from [192.0.2.1] by relay.example.net (via\nHTTP); Sat, 29 Nov 2014\n"
                     "Message-ID: <q1@example.net>\nSubject: hi\n\nbody: not a header\n",
                     h);
  CHECK(h.get("Received") == "from [192.0.2.1] by relay.example.net (via HTTP); Sat, 29 Nov 2014");
  CHECK(h.get("Message-ID") == "<q1@example.net>");
  CHECK_FALSE(h.has("body"));
  HeaderList none;
  parse_header_block("Hello there\nSubject: not a header block\n", none);
  CHECK(none.empty());
}

TEST_CASE("header values unfold; an owned one-line value is trimmed in place") {
  CHECK(unfold("a\r\n b\n\tc") == "a b c");
  CHECK(unfold_owned(std::string("  one line  ")) == "one line");
  CHECK(unfold_owned(std::string("two\n  lines ")) == "two lines");
  CHECK(unfold_owned(std::string("   ")).empty());
  CHECK(unfold_owned(std::string("tab\tinside")) == "tab inside");
  CHECK(unfold_owned(std::string("bare\rcr")) == "bare cr");
}

TEST_CASE("multipart/report is walked into parts; the original's header is kept") {
  std::string raw =
      "From: MAILER-DAEMON@mx.example.net\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n"
      "\r\n--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
      "It did not=\r\n work.\r\n"
      "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
      "Final-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
      "--b1\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <abc@example.com>\r\nSubject: hi\r\n\r\nbody\r\n"
      "--b1--\r\n";
  Message m = read_message(raw);
  REQUIRE(m.find("message/delivery-status") != nullptr);
  CHECK(m.body_text().find("It did not work.") != std::string::npos);
  CHECK(m.has_original);
  CHECK(m.original_headers.get("Message-ID") == "<abc@example.com>");
  CHECK(m.nested_report.empty());  // an ordinary original is no report
}

TEST_CASE("a report returned inside message/rfc822 is kept whole for re-reading") {
  std::string raw =
      "From: MAILER-DAEMON@gw.example.net\n"
      "Content-Type: multipart/mixed; boundary=\"o1\"\n"
      "\n--o1\nContent-Type: text/plain\n\nNothing here.\n"
      "--o1\nContent-Type: message/rfc822\n\n"
      "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"i1\"\n"
      "\n--i1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
      "Final-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.1.1\n"
      "--i1--\n"
      "--o1--\n";
  Message m = read_message(raw);
  REQUIRE(m.has_original);
  CHECK(m.find("message/delivery-status") == nullptr);  // not the outer message's own
  Message inner = read_message(m.nested_report);
  REQUIRE(inner.find("message/delivery-status") != nullptr);
  CHECK(inner.find("message/delivery-status")->text.find("gone@example.org") != std::string::npos);
}

TEST_CASE("hostile MIME: unclosed boundaries and deep nesting are read without a crash") {
  std::string raw = "Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nhello\n";
  Message m = read_message(raw);
  CHECK(m.body_text().find("hello") != std::string::npos);

  std::string deep = "Content-Type: multipart/mixed; boundary=b0\n\n";
  for (int i = 1; i < 10000; ++i)
    deep += "--b" + std::to_string(i - 1) + "\nContent-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n";
  Message d = read_message(deep);
  CHECK_FALSE(d.warnings.empty());
}

TEST_CASE("line ends: CRLF and bare CR read like LF") {
  CHECK(normalize_newlines("a\r\nb\rc\n") == "a\nb\nc\n");
}
