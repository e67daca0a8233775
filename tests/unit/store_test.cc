// The read connections' kept snapshots (store/snapshot_gate.h): what a read sees, and
// that keeping them never keeps the WAL from starting over.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>

#include "server/writer.h"
#include "store/checkpointer.h"
#include "store/snapshot_gate.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

using namespace bounced;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::string numbered(int i) {
  std::string a = "u";
  a += std::to_string(i);
  a += "@example.org";
  return a;
}

bool active_subscriber(SqliteStore& s, const std::string& address) {
  return s.status({address}, kNow).at(0).activity;
}

struct Stores {
  TempDir dir;
  std::string db = dir.path + "/bounced.db";
  SnapshotGate gate;
  SqliteStore writer{db, CountingPolicy{}};
  SqliteStore reader{db, CountingPolicy{}, true};
  Stores() {
    gate.max_age = std::chrono::hours(1);
    writer.use_gate(&gate);
    reader.use_gate(&gate);
  }
};

// The WAL header's salts (bytes 16 to 23): new ones each time the WAL starts over.
std::string wal_salts(const std::string& wal) {
  std::ifstream in(wal, std::ios::binary);
  std::string salts(8, '\0');
  in.seekg(16);
  in.read(salts.data(), 8);
  return in ? salts : std::string();
}

struct WalRun {
  std::uintmax_t largest = 0;  // the largest the WAL file grew
  int restarts = 0;            // times it started over
};

// Commits `n` times, reading after each commit as a busy daemon does (the snapshot is
// kept until the next one).
WalRun commit_and_read(Stores& s, int n) {
  const auto wal = s.db + "-wal";
  WalRun run;
  std::string salts;
  for (int i = 0; i < n; ++i) {
    s.writer.record_activity({numbered(i)}, kNow);
    s.gate.committed();
    CHECK(active_subscriber(s.reader, numbered(i)));
    run.largest = std::max(run.largest, std::filesystem::file_size(wal));
    const std::string now = wal_salts(wal);
    if (!salts.empty() && now != salts) ++run.restarts;
    salts = now;
  }
  return run;
}

}  // namespace

TEST_CASE("store: a kept snapshot serves reads until the writer's generation moves") {
  Stores s;
  CHECK_FALSE(active_subscriber(s.reader, "a@example.org"));
  s.writer.record_activity({"a@example.org"}, kNow);
  // Committed, but not yet announced: the read is served from the kept snapshot.
  CHECK_FALSE(active_subscriber(s.reader, "a@example.org"));
  CHECK_FALSE(s.reader.history("a@example.org").size() > 0);
  s.gate.committed();
  CHECK(active_subscriber(s.reader, "a@example.org"));
  CHECK(s.reader.stats().addresses == 1);
}

TEST_CASE("store: without a gate, or past its age, or released, a read sees the last commit") {
  Stores s;
  SqliteStore plain(s.db, CountingPolicy{}, true);
  CHECK_FALSE(active_subscriber(s.reader, "b@example.org"));
  CHECK_FALSE(active_subscriber(plain, "b@example.org"));
  s.writer.record_activity({"b@example.org"}, kNow);
  CHECK(active_subscriber(plain, "b@example.org"));

  // Released (the writer's request while the WAL must start over): a new snapshot.
  s.reader.release_snapshot();
  CHECK(active_subscriber(s.reader, "b@example.org"));

  // Older than max_age (writes from outside the daemon move no generation).
  s.writer.record_activity({"c@example.org"}, kNow);
  CHECK_FALSE(active_subscriber(s.reader, "c@example.org"));
  s.gate.max_age = std::chrono::steady_clock::duration::zero();
  CHECK(active_subscriber(s.reader, "c@example.org"));
  s.gate.max_age = std::chrono::hours(1);

  // While the gate asks read connections to yield, none is kept after a read.
  s.gate.yield = true;
  CHECK(active_subscriber(s.reader, "c@example.org"));
  s.writer.record_activity({"d@example.org"}, kNow);
  CHECK(active_subscriber(s.reader, "d@example.org"));
}

TEST_CASE("store: outside WAL mode nothing is kept") {
  TempDir dir;
  const std::string db = dir.path + "/rollback.db";
  { SqliteStore create(db, CountingPolicy{}); }
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  REQUIRE(sqlite3_exec(h, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) == SQLITE_OK);
  SnapshotGate gate;
  gate.max_age = std::chrono::hours(1);
  SqliteStore reader(db, CountingPolicy{}, true);
  reader.use_gate(&gate);
  CHECK_FALSE(active_subscriber(reader, "f@example.org"));
  // A writer outside WAL mode needs every reader's lock gone: none may be kept.
  REQUIRE(sqlite3_exec(h, "INSERT INTO addresses(address, activity) VALUES('f@example.org', 1)",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(active_subscriber(reader, "f@example.org"));
  sqlite3_close(h);
}

TEST_CASE("store: reads between every commit keep no WAL from starting over") {
  Stores s;
  const std::uintmax_t largest = commit_and_read(s, 3000).largest;
  // Each commit writes a few pages; the checkpoint runs at 1000 frames (about 4 MB).
  // Were the checkpoints stopped by the kept snapshots, the WAL would hold them all.
  CHECK(largest < 1100u * (4096 + 24) + 32);
  CHECK_FALSE(s.gate.yield.load());
}

TEST_CASE("store: checkpoints in the background still let the WAL start over") {
  Stores s;
  s.writer.checkpoint_in_background();
  // About 1.3 frames a commit: the WAL reaches its checkpoint size six or seven times.
  const WalRun run = commit_and_read(s, 5000);
  // The background copies the bulk while commits go on; the writer copies what landed
  // meanwhile, and the next commit starts the WAL over: every time, so the WAL stays
  // near its checkpoint size. Left to the background alone, it would start over only
  // after a checkpoint that no commit overlapped, and grow to the writer's own limit
  // of 4000 frames (16 MB) each time.
  CHECK(run.restarts >= 4);
  CHECK(s.writer.background_checkpoints() >= 4);
  CHECK(run.largest < 3000u * (4096 + 24) + 32);
  SqliteStore reopened{s.db, CountingPolicy{}, true};
  CHECK(reopened.stats().addresses == 5000);
}

TEST_CASE("store: a checkpointer for a database that cannot be opened names it") {
  TempDir dir;
  const std::string path = dir.path + "/missing/bounced.db";
  CHECK_THROWS_WITH_AS(Checkpointer{path}, doctest::Contains(path.c_str()), StoreError);
}

TEST_CASE("store: the writer moves the generation on before it answers") {
  Stores s;
  Writer writer(s.writer, 16, &s.gate);
  std::promise<std::uint64_t> seen;
  WriteJob job;
  job.task = [](Store& st) { st.record_activity({"e@example.org"}, kNow); };
  job.done = [&](const IngestOutcome*, const std::string&) {
    seen.set_value(s.gate.generation.load());
  };
  const std::uint64_t before = s.gate.generation.load();
  writer.submit(std::move(job));
  CHECK(seen.get_future().get() == before + 1);
  writer.stop();
  CHECK(active_subscriber(s.reader, "e@example.org"));
}
