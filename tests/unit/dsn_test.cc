#include <doctest/doctest.h>

#include "report/dsn.h"

using namespace bounced;

TEST_CASE("delivery-status: per-message and per-recipient fields, folded diagnostic") {
  Report r;
  std::size_t n = parse_delivery_status(
      "Reporting-MTA: dns; mx.example.net\nX-Postfix-Queue-ID: ABC123\nArrival-Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n"
      "Final-Recipient: rfc822; one@example.org\nOriginal-Recipient: rfc822; One@Example.org\n"
      "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.example.org\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <one@example.org>:\n    Recipient address rejected\n\n"
      "Final-Recipient: rfc822; two@example.org\nAction: delayed\nStatus: 4.4.1\n",
      r);
  REQUIRE(n == 2);
  CHECK(r.reporting_mta == "mx.example.net");
  CHECK(r.queue_id == "ABC123");
  CHECK(r.recipients[0].recipient == "one@example.org");
  CHECK(r.recipients[0].original_recipient == "One@example.org");
  CHECK(r.recipients[0].diagnostic == "550 5.1.1 <one@example.org>: Recipient address rejected");
  CHECK(r.recipients[0].diagnostic_type == "SMTP");
  CHECK(r.recipients[0].remote_mta == "mx.example.org");
  CHECK(r.recipients[1].action == "delayed");
  CHECK(r.recipients[1].status == "4.4.1");
}

TEST_CASE("delivery-status without blank lines between recipients") {
  Report r;
  parse_delivery_status(
      "Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.2.2\n"
      "Final-Recipient: rfc822; b@example.org\nAction: failed\nStatus: 5.1.1\n",
      r);
  REQUIRE(r.recipients.size() == 2);
  CHECK(r.recipients[1].status == "5.1.1");
}

TEST_CASE("utf-8 address type (RFC 6533)") {
  Report r;
  parse_delivery_status("Final-Recipient: utf-8; jöran@bücher.example\nAction: failed\nStatus: 5.1.1\n", r);
  REQUIRE(r.recipients.size() == 1);
  CHECK(r.recipients[0].recipient == "jöran@bücher.example");
}

TEST_CASE("Action before Final-Recipient stays one recipient") {
  Report r;
  parse_delivery_status(
      "Reporting-MTA: dns; inbound.example.net\n\n"
      "Action: failed\nFinal-Recipient: rfc822; a@example.org\n"
      "Original-Recipient: rfc822; a@example.org\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n"
      "Status: 5.1.1\n",
      r);
  REQUIRE(r.recipients.size() == 1);
  CHECK(r.recipients[0].status == "5.1.1");
  CHECK(r.recipients[0].action == "failed");
}
