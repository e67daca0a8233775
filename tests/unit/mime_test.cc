#include <doctest/doctest.h>
#include <mimetic/mimetic.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/limits.h"
#include "common/strutil.h"
#include "mime/charset.h"
#include "mime/encoded_word.h"
#include "mime/header_list.h"
#include "mime/message.h"
#include "mime/top_header.h"
#include "test_random.h"

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

TEST_CASE("sanitize_utf8: ASCII runs of every length between NULs, valid and broken sequences") {
  // Each piece's result is known on its own, and no piece starts with a continuation
  // byte, so the result of a text is the results of its pieces in order.
  const std::pair<std::string, std::string> pieces[] = {
      {"\xC3\xA9", "\xC3\xA9"},
      {"\xE2\x82\xAC", "\xE2\x82\xAC"},
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
      {std::string(1, '\0'), ""},
      {"\xFF", "\xEF\xBF\xBD"},
      {"\x80", "\xEF\xBF\xBD"},
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"}};  // an overlong '/'
  TestRandom next{7};
  for (int round = 0; round < 3000; ++round) {
    std::string in, want;
    while (in.size() < 80) {
      const std::uint32_t k = next(10);
      if (k < 7) {
        in += pieces[k].first;
        want += pieces[k].second;
      } else {
        const std::string run(next(20), static_cast<char>('a' + next(26)));
        in += run;
        want += run;
      }
    }
    REQUIRE(sanitize_utf8(in) == want);
  }
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

TEST_CASE(
    "a header block reads a line that is not a field as the field before it, folded without "
    "indent") {
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

TEST_CASE("a header block reads the same fields with CRLF, LF and stray CRs") {
  // Values are the text's bytes from the colon to the field's last line end, unfolded.
  const std::string lf =
      "Subject:  two\n\tlines \nX-Empty:\nTo: <a@example.org>,\n <b@example.org>\n"
      "Received: by mx (via\nHTTP); 1 Jan 2024\nX-Last: end";
  std::string crlf;
  for (char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  HeaderList a, b, c;
  CHECK(parse_header_block(lf, a) == lf.size());
  CHECK(parse_header_block(crlf, b) == crlf.size());
  parse_header_block(
      "Subject:  two\r\r\n\tlines \r\nX-Empty:\r\nTo: <a@example.org>,\n <b@example.org>\r\n"
      "Received: by mx (via\rHTTP); 1 Jan 2024\nX-Last: end\r",
      c);
  for (const HeaderList* h : {&a, &b, &c}) {
    REQUIRE(h->fields().size() == 5);
    CHECK(h->get("Subject") == "two lines");
    CHECK(h->has("X-Empty"));
    CHECK(h->get("X-Empty").empty());
    CHECK(h->get("To") == "<a@example.org>, <b@example.org>");
    CHECK(h->get("Received") == "by mx (via HTTP); 1 Jan 2024");
    CHECK(h->get("X-Last") == "end");
  }
  HeaderList d;  // an empty line ends the block; what follows is not read
  const std::string_view two = "A: 1\r\n\r\nB: 2\r\n";
  CHECK(parse_header_block(two, d) == 8);
  CHECK(d.fields().size() == 1);
}

TEST_CASE("header values unfold; an owned one-line value is trimmed in place") {
  CHECK(unfold("a\r\n b\n\tc") == "a b c");
  CHECK(unfold_owned(std::string("  one line  ")) == "one line");
  CHECK(unfold_owned(std::string("two\n  lines ")) == "two lines");
  CHECK(unfold_owned(std::string("   ")).empty());
  CHECK(unfold_owned(std::string("tab\tinside")) == "tab inside");
  CHECK(unfold_owned(std::string("bare\rcr")) == "bare cr");
}

TEST_CASE("unfolding: a line break and the blanks after it are one space, tabs are spaces") {
  // The byte-at-a-time rule, against unfold's sixteen-byte steps: texts over a small
  // alphabet, line breaks and blanks at every place around the steps.
  auto reference = [](std::string_view v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      char c = v[i];
      if (c == '\r' || c == '\n') {
        while (i + 1 < v.size() && (v[i + 1] == '\r' || v[i + 1] == '\n')) ++i;
        if (!out.empty() && out.back() != ' ') out += ' ';
        while (i + 1 < v.size() && (v[i + 1] == ' ' || v[i + 1] == '\t')) ++i;
        continue;
      }
      out += c == '\t' ? ' ' : c;
    }
    return std::string(trim(out));
  };
  const std::string_view breaks[] = {" ", "\t", "\n", "\r\n", "\n\t", "\n  ", "\r", "\n\n ", " \n"};
  TestRandom next{7};
  for (int round = 0; round < 3000; ++round) {
    std::string v;  // runs of text of 0-40 bytes between breaks
    for (std::uint32_t piece = next(6); piece > 0; --piece) {
      v.append(next(41), static_cast<char>('a' + next(3)));
      v += breaks[next(std::size(breaks))];
    }
    v.append(next(41), 'z');
    CAPTURE(v);
    CHECK(unfold(v) == reference(v));
    CHECK(unfold_owned(std::string(v)) == reference(v));
  }
}

TEST_CASE("HTML text: tags dropped, block tags a line break, entities decoded") {
  CHECK(detail::strip_html(
            "<p>Mailbox &lt;full&gt;</p><br>next&nbsp;line &amp; more &#39;x&#39; &bogus; a>b") ==
        "\nMailbox <full>\n\nnext line & more 'x' &bogus; a>b");
  // The byte-at-a-time rule, against runs copied whole: texts over a small alphabet
  // with tags, stray '<' and '>', entities and ampersands at every place.
  auto reference = [](std::string_view html) {
    std::string out;
    bool in_tag = false;
    for (std::size_t i = 0; i < html.size(); ++i) {
      const char c = html[i];
      if (c == '<') {
        in_tag = true;
        const std::string_view rest = html.substr(i + 1, 4);
        for (std::string_view t : {"br", "p", "/p", "div", "/div", "tr", "li"})
          if (istarts_with(rest, t)) {
            out.push_back('\n');
            break;
          }
        continue;
      }
      if (c == '>' && in_tag) {
        in_tag = false;
        continue;
      }
      if (in_tag) continue;
      if (c == '&') {
        bool done = false;
        for (auto [name, ch] : {std::pair<std::string_view, char>{"&lt;", '<'},
                                {"&gt;", '>'},
                                {"&amp;", '&'},
                                {"&quot;", '"'},
                                {"&nbsp;", ' '},
                                {"&#39;", '\''}})
          if (!done && istarts_with(html.substr(i), name)) {
            out.push_back(ch);
            i += name.size() - 1;
            done = true;
          }
        if (done) continue;
      }
      out.push_back(c);
    }
    return out;
  };
  const std::string_view pieces[] = {
      "<",     ">",           "&",      "&lt;", "&AMP;",        "&nbsp",
      "<br>",  "<P class=x>", "</div>", "<li",  "<a href='x'>", "&#39;",
      "text ", "more text",   "\n"};
  TestRandom next{11};
  for (int round = 0; round < 3000; ++round) {
    std::string html;
    for (std::uint32_t k = next(12); k > 0; --k) html += pieces[next(std::size(pieces))];
    CAPTURE(html);
    CHECK(detail::strip_html(html) == reference(html));
  }
}

TEST_CASE("multipart/report is walked into parts; the original's header is kept") {
  std::string raw =
      "From: MAILER-DAEMON@mx.example.net\r\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n"
      "\r\n--b1\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
      "It did not=\r\n work.\r\n"
      "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; "
      "mx.example.net\r\n\r\n"
      "Final-Recipient: rfc822; gone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
      "--b1\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <abc@example.com>\r\nSubject: "
      "hi\r\n\r\nbody\r\n"
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

TEST_CASE("a Content-Type parameter written on its own line without folding is read as folded") {
  // Office 365 and others: "...;" then "boundary=..." at the start of the next line.
  // The ';' may have white space after it and other ';' before it; a line that does
  // not end in ';' (or is not in a Content-* field) leaves the next line alone.
  for (const std::string ct_line :
       {"Content-Type: multipart/report; report-type=delivery-status;\n",
        "Content-Type: multipart/report; report-type=delivery-status; \t\n",
        "Content-Type: multipart/report;\n report-type=delivery-status;\n"}) {
    const std::string raw =
        "From: postmaster@mx.example.net\n" + ct_line +
        "boundary=\"cut-b\"\nSubject: undelivered\n\n"
        "--cut-b\nContent-Type: text/plain\n\nIt did not work.\n"
        "--cut-b\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; gone@example.org\n"
        "Action: failed\nStatus: 5.1.1\n--cut-b--\n";
    const Message m = read_message(raw);
    CAPTURE(ct_line);
    CHECK(m.find("message/delivery-status") != nullptr);
    CHECK(m.headers.get("Subject") == "undelivered");
  }
  // No ';' at the end of the Content-Type line: "boundary=" starts the body.
  const Message plain =
      read_message("Content-Type: text/plain; charset=us-ascii\nboundary=\"b\"\n\nbody\n");
  CHECK(plain.headers.get("Content-Type").find("boundary") == std::string_view::npos);
  CHECK(plain.body_text().find("boundary=") != std::string::npos);
}

TEST_CASE("more MIME entities than the limit in a small message: read up to the limit") {
  std::string raw = "Content-Type: multipart/mixed; boundary=p\n\n";
  for (std::size_t i = 0; i < limits::kMaxMimeEntities + 10; ++i) raw += "--p\n\nx\n";
  raw += "--p--\n";
  REQUIRE(raw.size() < limits::kMaxHeaderFieldBytes);
  const Message m = read_message(raw);
  CHECK(m.parts.size() < limits::kMaxMimeEntities);
  CHECK(std::find_if(m.warnings.begin(), m.warnings.end(), [](const std::string& w) {
          return w.find("MIME entities") != std::string::npos;
        }) != m.warnings.end());
  // At the limit (the top entity, its Content-Type line, the parts' delimiter lines
  // and the closing one each count): no warning.
  std::string under = "Content-Type: multipart/mixed; boundary=p\n\n";
  for (std::size_t i = 0; i + 3 < limits::kMaxMimeEntities; ++i) under += "--p\n\nx\n";
  under += "--p--\n";
  const Message u = read_message(under);
  CHECK_MESSAGE(u.warnings.empty(), (u.warnings.empty() ? "" : u.warnings.front()));
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

namespace {

// The message read with read_top_header must be the one mimetic reads whole.
void check_same_as_mimetic(const std::string& text) {
  CAPTURE(text);
  CHECK(read_message(text) == read_message(text, true));
}

}  // namespace

TEST_CASE("the top header is read as mimetic reads it, quirks included") {
  const std::string nul_value(
      "Subject: a\0b\nContent-Type: text/plain; charset=us-ascii\0x\n\nbody\n", 64);
  const std::vector<std::string> texts = {
      "",
      "\n",
      "\n\nbody after an empty header\n",
      "Subject: folded\n across\n\tlines  \nFrom: a@example.org\n\nbody\n",
      "Content-Type: multipart/mixed; boundary=x\nSubject: s\n\n--x\nContent-Type: "
      "text/plain\n\nhi\n--x--\n",
      // an empty first line: the value starts with a fold's space, or two
      "Content-Type:\n multipart/mixed;\n boundary=\"b\"\n\npre\n--b\n\nx\n--b--\nepi\n",
      "Content-Type:\n  \n multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n",
      "Content-Type:\n   \n\t\nSubject: s\n\nbody\n",
      // a line starting with ':' is skipped; a fold after it prefixes the next value
      ":bad\n cont\nContent-Type: text/plain\nSubject: s\n\nbody\n",
      ":bad\n cont\nSubject: s\n\nbody\n",
      // a line that is no field starts the body, also under a multipart type
      "From: a@example.org\nThis is not a header\nmore\n",
      "Content-Type: multipart/mixed; boundary=b\nnot a header line\n--b\n\nx\n--b--\n",
      "From: a@example.org\nSubject x: y\n\nbody\n",
      "From: a\nSub\xe9ject: x\n\nbody\n",
      "From: a\n\x01X: y\n\nbody\n",
      " leading blank\nFrom: x\n\nbody\n",
      "Subject  : blanks before the colon\n\nbody\n",
      "Subject:\n\nempty value\n",
      // the last field before the end of the text is dropped without an empty line
      "From: a@example.org\nSubject: x",
      "From: a@example.org\nSubject: x\n",
      "Content-Type: multipart/mixed; boundary=b",
      // several Content-Type fields, any case
      "Content-Type: text/plain\ncontent-type: multipart/mixed; boundary=q\n\n--q\n\nx\n--q--\n",
      "CONTENT-TYPE: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n--r\n"
      "Content-Type: text/plain\n\nfailed\n--r\nContent-Type: message/delivery-status\n\n"
      "Final-Recipient: rfc822; u@example.net\nStatus: 5.1.1\n--r\nContent-Type: message/rfc822\n\n"
      "Subject: original\nTo: u@example.net\n\noriginal body\n--r--\n",
      "Subject: crlf\r\nContent-Type: text/plain\r\n\r\nbody\r\n",
      "Subject: lone cr\rX: y\r\rbody\r",
      "From mbox line\nSubject: s\n\nbody\n",
      "From an mbox line and nothing else",  // found by fuzz_message
      "Content-Type: text/plain\nX: y",
      "Content-Type: text/plain\n",
      nul_value,
  };
  for (const auto& t : texts) check_same_as_mimetic(t);
  std::string many;
  for (int i = 0; i < 400; ++i)
    many += "Received: from host" + std::to_string(i) + ".example.org by mx\n  with ESMTP id " +
            std::to_string(i) + "\n";
  check_same_as_mimetic(many + "Content-Type: text/plain; charset=utf-8\n\nbody\n");
}

TEST_CASE("the boundary search finds what mimetic's Boyer-Moore finds") {
  // read_message gives mimetic const char* iterators, for which the search is
  // find_boundary (memmem); string iterators still get mimetic's own.
  TestRandom next{5};
  const std::string_view alphabet = "--ab\n";
  for (int round = 0; round < 5000; ++round) {
    std::string hay, word = "--";
    for (std::uint32_t n = next(80); n > 0; --n)
      hay += alphabet[next(static_cast<std::uint32_t>(alphabet.size()))];
    for (std::uint32_t n = next(5); n > 0; --n)
      word += alphabet[next(static_cast<std::uint32_t>(alphabet.size()))];
    const std::string& h = hay;
    const auto bm = mimetic::utils::find_bm(h.cbegin(), h.cend(), word) - h.cbegin();
    const auto fast = detail::find_boundary(h.data(), h.data() + h.size(), word) - h.data();
    const auto truth = std::search(h.cbegin(), h.cend(), word.cbegin(), word.cend()) - h.cbegin();
    CAPTURE(hay);
    CAPTURE(word);
    CHECK(fast == truth);
    CHECK(bm == truth);
  }
}

TEST_CASE(
    "a returned message is a leaf: its header read as mimetic reads it, its tree not parsed") {
  const std::string head =
      "From: MAILER-DAEMON@mx.example.net\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n"
      "--r\nContent-Type: text/plain\n\nfailed\n"
      "--r\nContent-Type: message/rfc822\n\n";
  // The returned message: a multipart of its own, a Content-Type without quotes.
  const std::string original =
      "Subject: original\nTo: u@example.net\n"
      "Content-Type: multipart/alternative;\n boundary=alt; charset=utf-8\n\n"
      "--alt\nContent-Type: text/plain\n\nplain\n--alt\nContent-Type: text/html\n\n<p>html</p>\n"
      "--alt--\n";
  const Message m = read_message(head + original + "--r--\n");
  REQUIRE(m.has_original);
  CHECK(m.original_headers.get("Subject") == "original");
  // The first Content-Type as mimetic writes it back once it has looked it up.
  CHECK(m.original_headers.get("Content-Type") ==
        "multipart/alternative; boundary=\"alt\"; charset=\"utf-8\"");
  CHECK(m.parts.size() == 2);  // text/plain and the message/rfc822 part, nothing inside it
  CHECK(m.parts.back().type == "message/rfc822");
  CHECK(m.find("text/html") == nullptr);
  CHECK(m.body_text() == "failed");

  // Headers only, no empty line before the boundary: the boundary line followed the
  // last field, so that field is kept (mimetic stores a field when a line follows).
  const Message headers_only =
      read_message(head + "Message-ID: <m1@example.com>\nSubject: last\n--r--\n");
  CHECK(headers_only.original_headers.get("Message-ID") == "<m1@example.com>");
  CHECK(headers_only.original_headers.get("Subject") == "last");

  // A Content-Type that is no multipart is not parsed: its value stays as written.
  const Message plain =
      read_message(head + "Subject: s\nContent-Type: text/plain; charset=iso-8859-1\n\nx\n--r--\n");
  CHECK(plain.original_headers.get("Content-Type") == "text/plain; charset=iso-8859-1");

  // Fields the way mimetic's parser makes them, quirks included, in each case.
  const std::vector<std::string> returned = {
      original,
      "Subject: s\nContent-Type: text/plain; charset=iso-8859-1\n\nx\n",
      "Content-Type: Message/RFC822; x=y\n\nSubject: inner\n\nbody\n",
      "Message-ID: <m1@example.com>\nSubject: last\n",
      "Message-ID: <m1@example.com>\nSubject: last",
      "Subject: folded\n across\n\tlines  \nContent-Type: text/plain\ncontent-type: "
      "text/html\n\nbody\n",
      ":bad\n cont\nSubject: s\n\nbody\n",
      "From: a@example.org\nThis is not a header\nmore\n",
      "Subject x: y\n\nbody\n",
      "\n\nbody only\n",
      "",
      "Content-Type: message/rfc822\n\nSubject: inner\n\nbody\n",
  };
  for (const auto& r : returned) {
    check_same_as_mimetic(head + r + "\n--r--\n");
    check_same_as_mimetic(head + r + "--r--\n");
    check_same_as_mimetic(head + r);  // no closing boundary: the text ends in it
  }
}

TEST_CASE("mimetic parses a part's Content-Type only when it can change the structure") {
  const std::string raw =
      "From: MAILER-DAEMON@mx.example.net\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
      "--r\nContent-Type: MultiPart/Alternative; boundary=alt\n\n"
      "--alt\nContent-Type: text/plain; charset=utf-8\n\nplain text\n"
      "--alt\nContent-Type: text/html; name=multipart.html\n\n<p>html</p>\n--alt--\n"
      "--r\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; u@example.net\n"
      "Status: 5.1.1\n--r--\n";
  const Message m = read_message(raw);
  REQUIRE(m.parts.size() == 3);  // the alternative's two parts and the status part
  CHECK(m.parts[0].type == "text/plain");
  CHECK(m.parts[0].text == "plain text");
  CHECK(m.parts[1].type == "text/html");
  CHECK(m.parts[2].type == "message/delivery-status");
  // A leaf's value stays as written; the parsed ones are written back by mimetic.
  CHECK(m.parts[0].headers.get("Content-Type") == "text/plain; charset=utf-8");
  CHECK(m.parts[1].headers.get("Content-Type") == "text/html; name=\"multipart.html\"");
  CHECK(m.headers.get("Content-Type") ==
        "multipart/report; report-type=\"delivery-status\"; boundary=\"r\"");
  check_same_as_mimetic(raw);

  // A whole message of type message/rfc822 is still parsed into its child: the top
  // entity has no text of its own.
  const Message whole = read_message("Content-Type: Message/RFC822\n\nSubject: inner\n\nhello\n");
  REQUIRE(whole.parts.size() == 1);
  CHECK(whole.parts[0].text.empty());
}

TEST_CASE("read_top_header: the fields mimetic makes and where the body starts") {
  TopHeader h = read_top_header("A: 1\n B\n:skipped\n C\nD: 2\n\nbody");
  REQUIRE(h.fields.size() == 2);
  CHECK(h.fields[0].name == "A");
  CHECK(h.fields[0].value == "1 B");
  CHECK(h.fields[1].name == "D");
  CHECK(h.fields[1].value == " C2");  // the skipped line's fold stays in the buffer
  CHECK(h.body_start == 26);
  CHECK(h.end == TopHeader::End::kBlankLine);
  h = read_top_header("A: 1\nnot a field\n");
  REQUIRE(h.fields.size() == 1);
  CHECK(h.body_start == 5);
  CHECK(h.end == TopHeader::End::kNonFieldLine);
  h = read_top_header("A: 1\nB: 2");  // B is never stored: no line follows it
  REQUIRE(h.fields.size() == 1);
  CHECK(h.body_start == 9);
  CHECK(mimetic_stand_in(read_top_header("Content-Type:\n  \n text/plain\nX: y\n\n")) ==
        "Content-Type:\n \n text/plain\n\n");
}

namespace {

// A report whose text part has a long header field (given whole, line ends included)
// before "X-After: kept".
std::string report_with_field(const std::string& field) {
  return "From: MAILER-DAEMON@example.org\nSubject: Undelivered\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
         "--B\nContent-Type: text/plain\n" + field + "X-After: kept\n\nfailed\n"
         "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
         "Final-Recipient: rfc822; u@example.net\nAction: failed\nStatus: 5.1.1\n\n--B--\n";
}

// The checks shared by the long-field cases: the field is cut, the part keeps its
// other fields and its text, and the two header readings still agree.
void check_long_field_cut(const std::string& text, std::size_t at_most) {
  const Message m = read_message(text);
  REQUIRE(m.parts.size() >= 2);
  const Part& p = m.parts[0];
  CHECK(p.type == "text/plain");
  CHECK(p.text == "failed");
  CHECK(p.headers.get("X-After") == "kept");
  CHECK(p.headers.get("X-Long").size() <= at_most);
  CHECK(m.find("message/delivery-status") != nullptr);
  bool warned = false;
  for (const auto& w : m.warnings) warned = warned || w.find("header field longer than the limit") != std::string::npos;
  CHECK(warned);
  CHECK(m == read_message(text, true));
}

}  // namespace

TEST_CASE("a header field past the limit is cut, the structure kept (mimetic's buffers are quadratic)") {
  const std::size_t cap = limits::kMaxHeaderFieldBytes;
  // one line of 1 MiB
  check_long_field_cut(report_with_field("X-Long: " + std::string(1u << 20, 'a') + "\n"), cap);
  // a fold of many lines, the cut inside a line
  std::string folded = "X-Long: a\n";
  for (int i = 0; i < 600; ++i) folded += " " + std::string(999, 'b') + "\n";
  check_long_field_cut(report_with_field(folded), cap);
  // the first line fills the limit exactly with its line end: the continuation line
  // goes whole, with the line end before it (an empty line would end the header)
  const std::string first = "X-Long: " + std::string(cap - 9, 'c') + "\n";
  REQUIRE(first.size() == cap);
  check_long_field_cut(report_with_field(first + " d\n e\n"), cap);
  // a line without a colon (mimetic's name buffer grows the same way) in a part header
  const std::string no_colon = report_with_field(std::string(1u << 20, 'n') + "\n");
  const Message m = read_message(no_colon);
  CHECK_FALSE(m.warnings.empty());
  CHECK(m == read_message(no_colon, true));
}
