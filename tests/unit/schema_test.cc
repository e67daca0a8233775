// The store's schema steps (schemas/NNN-*.sql): a store of an older version is
// migrated on open with its data, and the status query reads what it should.
#include "store/schema.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "store/sqlite_store.h"
#include "temp_dir.h"

using namespace bounced;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

Report bounce_of(const std::string& address, const std::string& reason, const std::string& bounce,
                 const std::string& message_id) {
  Report r;
  r.kind = ReportKind::kBounce;
  r.format = "rfc3464";
  r.message_id = message_id;
  RecipientFacts f;
  f.recipient = address;
  f.action = "failed";
  f.status = bounce == "hard" ? "5.1.1" : "4.2.2";
  f.reason = reason;
  f.bounce = bounce;
  r.recipients.push_back(f);
  return r;
}

void ingest(SqliteStore& s, const Report& r, std::int64_t now) {
  const std::string raw = "report " + r.message_id + " " + std::to_string(now);
  s.ingest({IngestItem{&raw, &r, ""}}, now);
}

// The plan SQLite chooses for `sql`, one line per step.
std::string plan(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) ==
          SQLITE_OK);
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW)
    out += reinterpret_cast<const char*>(sqlite3_column_text(st, 3)) + std::string("\n");
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

}  // namespace

TEST_CASE(
    "schema: a version 1 store is migrated with its events, and counts from the index alone") {
  REQUIRE(schema_steps().size() >= 2);
  TempDir dir;
  const std::string db = dir.path + "/bounced.db";
  {
    // A store as the first release made it.
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    REQUIRE(sqlite3_exec(h, std::string(schema_steps()[0].sql).c_str(), nullptr, nullptr,
                         nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(
                h,
                "PRAGMA user_version=1;"
                "INSERT INTO reports(id, hash, received, size) VALUES(1, x'01', 1799990000, 10);"
                "INSERT INTO events(id, report_id, ts, address, domain, action, status, "
                "reply_code, reason,"
                " class, diagnostic, remote_mta, format, rule, message_key, counted, note) VALUES"
                " (1, 1, 1799990000, 'old@example.org', 'example.org', 'failed', '4.2.2', '', "
                "'mailboxfull',"
                "  'soft', '', '', 'rfc3464', '', '<m1@x>', 1, ''),"
                " (2, 1, 1799990100, 'old@example.org', 'example.org', 'failed', '4.2.2', '', "
                "'mailboxfull',"
                "  'soft', '', '', 'rfc3464', '', '<m2@x>', 1, '');"
                "INSERT INTO addresses(address, state, first_bounce, last_bounce, last_event)"
                " VALUES('old@example.org', 1, 1799990000, 1799990100, 2);",
                nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
  }
  SqliteStore s(db, CountingPolicy{});
  CHECK(s.schema_version() == static_cast<int>(schema_steps().size()));
  // The rebuilt indexes went through the WAL; it is copied back and cut to nothing.
  CHECK(std::filesystem::file_size(db + "-wal") == 0);
  const AddressStatus st = s.status({"old@example.org"}, kNow).at(0);
  CHECK(st.state == AddressState::kSoft);
  CHECK(st.soft_count == 2);
  CHECK(st.reason == "mailboxfull");
  // The same failed message reported again is still found, and counted once.
  ingest(s, bounce_of("old@example.org", "mailboxfull", "soft", "<m2@x>"), kNow);
  CHECK(s.status({"old@example.org"}, kNow).at(0).soft_count == 2);
  CHECK(
      plan(db,
           "SELECT COUNT(*) FROM events WHERE address='a' AND counted=1 AND class='soft' AND ts>1")
          .find("COVERING INDEX events_address") != std::string::npos);
  CHECK(plan(db, "SELECT 1 FROM events WHERE address='a' AND message_key='k' AND counted=1 LIMIT 1")
            .find("COVERING INDEX events_message") != std::string::npos);
}

TEST_CASE("schema: the reason shown is the last event's, or the hard reason, or none") {
  TempDir dir;
  SqliteStore s(dir.path + "/bounced.db", CountingPolicy{});
  ingest(s, bounce_of("soft@example.org", "mailboxfull", "soft", "<a@x>"), kNow - 100);
  ingest(s, bounce_of("soft@example.org", "systemerror", "soft", "<b@x>"), kNow - 50);
  ingest(s, bounce_of("hard@example.org", "mailboxfull", "soft", "<c@x>"), kNow - 100);
  ingest(s, bounce_of("hard@example.org", "userunknown", "hard", "<d@x>"), kNow - 50);
  ingest(s, bounce_of("hard@example.org", "mailboxfull", "soft", "<e@x>"), kNow - 10);
  // A soft bounce long before the counting window: shown, no longer counted.
  ingest(s, bounce_of("past@example.org", "mailboxfull", "soft", "<f@x>"), kNow - 400 * 86400);
  // Only a delay warning: never counted, its reason shown.
  Report delayed = bounce_of("late@example.org", "delayed", "soft", "<g@x>");
  delayed.recipients[0].action = "delayed";
  ingest(s, delayed, kNow - 50);
  s.record_activity({"reader@example.org"}, kNow);
  const auto v = s.status({"soft@example.org", "hard@example.org", "past@example.org",
                           "reader@example.org", "never@example.org", "late@example.org"},
                          kNow);
  CHECK(v[0].state == AddressState::kSoft);
  CHECK(v[0].reason == "systemerror");
  CHECK(v[1].state == AddressState::kHard);
  CHECK(v[1].reason == "userunknown");  // not the soft bounce after it
  CHECK(v[1].since == kNow - 50);
  CHECK(v[2].state == AddressState::kActive);
  CHECK(v[2].soft_count == 0);
  CHECK(v[2].reason == "mailboxfull");
  CHECK(v[3].reason.empty());
  CHECK(v[3].activity);
  CHECK(v[4].reason.empty());
  CHECK(v[4].state == AddressState::kActive);
  CHECK(v[5].state == AddressState::kActive);
  CHECK(v[5].soft_count == 0);
  CHECK(v[5].reason == "delayed");
}
