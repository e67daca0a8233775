// sqlite_store.cc - SQLite implementation of the store and the counting policy.
#include "store/sqlite_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/uuid/detail/sha1.hpp>
#include <cstdlib>

#include "common/strutil.h"
#include "store/connection.h"
#include "store/schema.h"

namespace bounced {

const char* state_name(AddressState s) {
  switch (s) {
    case AddressState::kActive: return "active";
    case AddressState::kSoft: return "soft";
    case AddressState::kHard: return "hard";
  }
  return "active";
}

// A prepared statement with bind helpers; reset after each use.
class SqliteStore::Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s_, nullptr) != SQLITE_OK)
      throw StoreError(std::string("prepare: ") + sqlite3_errmsg(db) + ": " + sql);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind_blob(int i, const void* p, std::size_t n) {
    sqlite3_bind_blob(s_, i, p, static_cast<int>(n), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // Steps once; true when a row is available.
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string msg = sqlite3_errmsg(db_);
    reset();
    throw StoreError("sqlite: " + msg);
  }
  void run() {
    step();
    reset();
  }
  std::int64_t i64(int col) { return sqlite3_column_int64(s_, col); }
  std::string text(int col) {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

namespace {

std::string sha1_of(const std::string& data) {
  boost::uuids::detail::sha1 h;
  h.process_bytes(data.data(), data.size());
  boost::uuids::detail::sha1::digest_type d;
  h.get_digest(d);
  std::string out(20, '\0');
  for (int i = 0; i < 5; ++i)
    for (int b = 0; b < 4; ++b) out[static_cast<std::size_t>(i * 4 + b)] = static_cast<char>((d[i] >> (24 - 8 * b)) & 0xFF);
  return out;
}

std::string hex(const std::string& bin) {
  static const char* x = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bin) {
    out.push_back(x[c >> 4]);
    out.push_back(x[c & 15]);
  }
  return out;
}

std::string domain_of(const std::string& a) {
  std::size_t at = a.rfind('@');
  return at == std::string::npos ? std::string() : a.substr(at + 1);
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, CountingPolicy policy, bool read_only)
    : path_(path), policy_(std::move(policy)), read_only_(read_only) {
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  db_ = open_connection(path, flags | SQLITE_OPEN_NOMUTEX);
  sqlite3_busy_timeout(db_, 5000);
  try {
    // Query connections keep more of the address index in memory (32 MiB, bounded).
    if (read_only) exec("PRAGMA cache_size=-32768");
    if (!read_only) {
      exec("PRAGMA journal_mode=WAL");
      exec("PRAGMA synchronous=FULL");
      exec("PRAGMA foreign_keys=ON");
      migrate();
    } else if (schema_version() == 0) {
      throw StoreError(path + ": not a bounced database (schema version 0)");
    } else if (schema_version() > static_cast<int>(schema_steps().size())) {
      throw SchemaError(path + ": database schema version " + std::to_string(schema_version()) +
                        " is newer than this bounced knows; refusing to serve it");
    }
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteStore::~SqliteStore() {
  checkpointer_.reset();
  release_snapshot();
  stmts_.clear();
  if (db_) sqlite3_close(db_);
}

void SqliteStore::exec(const char* sql) { exec_sql(db_, sql); }

void SqliteStore::set_cache_kib(int kib) { exec(("PRAGMA cache_size=-" + std::to_string(kib)).c_str()); }

int SqliteStore::schema_version() {
  return std::atoi(first_value(db_, "PRAGMA user_version").c_str());
}

void SqliteStore::migrate() {
  const auto& steps = schema_steps();
  int have = schema_version();
  int known = static_cast<int>(steps.size());
  if (have > known)
    throw SchemaError("database schema version " + std::to_string(have) +
                     " is newer than this bounced knows (" + std::to_string(known) +
                     "); refusing to touch it");
  for (int v = have; v < known; ++v) {
    // A new store takes every step at once; an older one is told of, since a step
    // may rebuild an index over all its events.
    if (have > 0)
      spdlog::info("store: {}: migrating from schema version {} ({})", path_, v,
                   steps[static_cast<std::size_t>(v)].name);
    exec("BEGIN IMMEDIATE");
    try {
      exec(std::string(steps[static_cast<std::size_t>(v)].sql).c_str());
      exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
  // A step that rebuilt an index left all its pages in the WAL, a file SQLite reuses
  // but never shrinks: copy them back and cut it to nothing.
  if (have > 0 && have < known) exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

SqliteStore::Stmt& SqliteStore::stmt(const char* sql) {
  for (auto& [k, s] : stmts_)
    if (k == sql) return *s;
  stmts_.emplace_back(sql, std::make_unique<Stmt>(db_, sql));
  return *stmts_.back().second;
}

// One read on this connection: in a transaction of its own, or, with a gate, in the
// read transaction kept from the last read while the gate says nothing was written
// since it began. Inside a transaction the caller opened, the read just joins it.
class SqliteStore::ReadScope {
 public:
  explicit ReadScope(SqliteStore& s) : s_(s) {
    SnapshotGate* gate = s_.read_only_ ? s_.gate_ : nullptr;
    if (s_.held_) {
      if (!gate->yield.load(std::memory_order_relaxed) &&
          gate->generation.load(std::memory_order_acquire) == s_.held_generation_ &&
          std::chrono::steady_clock::now() - s_.held_since_ < gate->max_age)
        return;  // still the newest
      s_.release_snapshot();
    } else if (sqlite3_get_autocommit(s_.db_) == 0) {
      if (!s_.read_only_) {
        joined_ = true;  // the caller's own transaction
        return;
      }
      s_.end_read_transaction(true);  // left open by a failure: never served again
    }
    if (gate) {
      // Read before BEGIN: the snapshot, taken at the first read, is at least as new.
      s_.held_generation_ = gate->generation.load(std::memory_order_acquire);
      s_.held_since_ = std::chrono::steady_clock::now();
    }
    s_.stmt("BEGIN").run();
    s_.held_ = gate != nullptr;
  }
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;
  // The read went well: the transaction ends, or is kept when the gate allows.
  void done() {
    if (!joined_ && !(s_.held_ && !s_.gate_->yield.load(std::memory_order_relaxed)))
      s_.end_read_transaction(false);
    done_ = true;
  }
  ~ReadScope() {
    if (!done_ && !joined_) s_.end_read_transaction(true);  // a failed read: nothing is kept
  }

 private:
  SqliteStore& s_;
  bool joined_ = false;
  bool done_ = false;
};

// Ends this connection's read transaction whatever happens: one left open would serve
// its snapshot for good and hold back every checkpoint. After a failed read (or a
// COMMIT that fails), the statements a throw may have left running are reset and the
// transaction is rolled back; the answers were read already.
void SqliteStore::end_read_transaction(bool failed) noexcept {
  held_ = false;
  if (sqlite3_get_autocommit(db_) != 0) return;
  if (!failed) {
    try {
      stmt("COMMIT").run();
      return;
    } catch (...) {
    }
  }
  for (auto& entry : stmts_) entry.second->reset();
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteStore::release_snapshot() {
  if (held_) end_read_transaction(false);
}

bool SqliteStore::in_wal_mode() { return first_value(db_, "PRAGMA journal_mode") == "wal"; }

constexpr int kCheckpointFrames = 1000;  // SQLite's default automatic checkpoint
// With checkpoints in the background, commits that land while one runs keep the WAL
// from starting over; past this size the writer checkpoints inside its commit again.
constexpr int kInlineCheckpointFrames = 4 * kCheckpointFrames;

// SQLite's automatic checkpoint (which a WAL hook replaces) made here: a passive
// checkpoint once the WAL holds 1000 frames. Until a commit finds the WAL started over,
// read connections must not keep snapshots: one held from before the commit stops each
// checkpoint short of the end, and the WAL can only start over when it is all copied.
int SqliteStore::on_wal_commit(void* self, sqlite3* db, const char* name, int frames) {
  auto* store = static_cast<SqliteStore*>(self);
  Checkpointer* const background = store->checkpointer_.get();
  if (frames < kCheckpointFrames) {
    store->gate_->yield.store(false, std::memory_order_relaxed);
    if (background) store->background_runs_ = background->runs();
    return SQLITE_OK;
  }
  store->gate_->yield.store(true, std::memory_order_relaxed);
  // The bulk of the WAL goes back in the background; once a background checkpoint has
  // finished, the few frames committed while it ran are copied here, so that the next
  // commit finds the WAL all copied and starts it over. (BUSY, a no-op, while another
  // checkpoint runs.)
  if (background && background->runs() == store->background_runs_ &&
      frames < kInlineCheckpointFrames) {
    background->request();
    return SQLITE_OK;
  }
  sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  return SQLITE_OK;
}

void SqliteStore::use_gate(SnapshotGate* gate) {
  release_snapshot();
  // Outside WAL mode a kept read transaction would hold a lock that stops the writer.
  if (gate && !in_wal_mode()) gate = nullptr;
  gate_ = gate;
  if (read_only_) return;
  if (gate) {
    sqlite3_wal_hook(db_, &SqliteStore::on_wal_commit, this);
  } else {
    checkpointer_.reset();
    sqlite3_wal_autocheckpoint(db_, kCheckpointFrames);  // SQLite's own hook again
  }
}

void SqliteStore::checkpoint_in_background() {
  if (gate_ && !read_only_ && !checkpointer_) checkpointer_ = std::make_unique<Checkpointer>(path_);
}

int SqliteStore::count_soft(const std::string& address, std::int64_t reset_at, std::int64_t now) {
  std::int64_t from = std::max(reset_at, now - policy_.window_seconds);
  auto& s = stmt("SELECT COUNT(*) FROM events WHERE address=?1 AND counted=1 AND class='soft' AND ts>?2");
  s.bind(1, address).bind(2, from);
  int n = s.step() ? static_cast<int>(s.i64(0)) : 0;
  s.reset();
  return n;
}

AddressStatus SqliteStore::load_status(const std::string& address, std::int64_t now) {
  AddressStatus st;
  st.address = address;
  // The last event's reason is looked up only where it is shown: not for a hard
  // address (its hard_reason is) nor for one that never bounced.
  auto& s = stmt(
      "SELECT state, activity, reset_at, hard_since, hard_reason, hard_cause,"
      " CASE WHEN state<>2 AND last_event<>0"
      " THEN (SELECT reason FROM events WHERE id=last_event) END,"
      " last_bounce FROM addresses WHERE address=?1");
  s.bind(1, address);
  if (!s.step()) {
    s.reset();
    st.threshold = policy_.threshold_inactive;
    return st;
  }
  st.state = static_cast<AddressState>(s.i64(0));
  st.activity = s.i64(1) != 0;
  std::int64_t reset_at = s.i64(2);
  st.since = s.i64(3);
  std::string hard_reason = s.text(4);
  st.cause = s.text(5);
  st.reason = s.text(6);
  const std::int64_t last_bounce = s.i64(7);
  s.reset();
  st.threshold = st.activity ? policy_.threshold_active : policy_.threshold_inactive;
  if (st.state == AddressState::kHard) {
    st.reason = hard_reason;
  } else {
    st.since = 0;
    // Every event also stamps the address's last_bounce with its time: when that is
    // not inside the counting window (or the address never bounced) nothing can
    // count, and the events index is not read at all (most queried addresses).
    const std::int64_t from = std::max(reset_at, now - policy_.window_seconds);
    st.soft_count = last_bounce > from ? count_soft(address, reset_at, now) : 0;
    st.state = st.soft_count > 0 ? AddressState::kSoft : AddressState::kActive;
  }
  return st;
}

IngestOutcome SqliteStore::ingest_one(const IngestItem& item, std::int64_t now) {
  IngestOutcome out;
  const std::string& raw = *item.raw;
  const Report& report = *item.report;
  std::string hash = sha1_of(raw);
  {
    auto& s = stmt("SELECT id FROM reports WHERE hash=?1");
    s.bind_blob(1, hash.data(), hash.size());
    if (s.step()) {
      out.duplicate = true;
      out.report_id = s.i64(0);
      s.reset();
      out.decisions.push_back("duplicate report, already stored as #" + std::to_string(out.report_id));
      return out;
    }
    s.reset();
  }
  {
    auto& s = stmt("INSERT INTO reports(hash, received, format, size, flag, raw) VALUES(?1,?2,?3,?4,?5,?6)");
    s.bind_blob(1, hash.data(), hash.size()).bind(2, now).bind(3, report.format).bind(4, static_cast<std::int64_t>(raw.size())).bind(5, item.flag);
    if (item.flag.empty()) s.bind_null(6);
    else s.bind_blob(6, raw.data(), raw.size());
    s.run();
    out.report_id = sqlite3_last_insert_rowid(db_);
  }
  const std::string report_key = hex(hash);
  for (const auto& r : report.recipients) {
    if (r.recipient.empty()) continue;
    const std::string domain = domain_of(r.recipient);
    const std::string key = report.message_id.empty() ? report_key : report.message_id;
    AddressStatus before = load_status(r.recipient, now);
    bool counted = false;
    std::string note;
    bool make_hard = false;
    std::string hard_cause;
    const bool failed = r.action == "failed" || r.action.empty();
    if (report.kind == ReportKind::kFeedback) {
      note = "complaint";
      if (policy_.complaint_suppresses) {
        make_hard = true;
        hard_cause = "complaint";
      }
    } else if (report.kind == ReportKind::kVacation) {
      note = "auto-reply, not counted";
    } else if (r.reason == "delivered") {
      note = "delivered: soft count cleared";
    } else if (!failed) {
      note = r.action + ": not a failure, not counted";
    } else if (r.bounce == "hard") {
      make_hard = true;
      hard_cause = "hard-bounce";
    } else if (r.bounce == "soft") {
      if (std::find(policy_.not_counted.begin(), policy_.not_counted.end(), r.reason) != policy_.not_counted.end()) {
        note = "sender-side reason " + r.reason + ", not counted";
      } else {
        auto& dup = stmt("SELECT 1 FROM events WHERE address=?1 AND message_key=?2 AND counted=1 LIMIT 1");
        dup.bind(1, r.recipient).bind(2, key);
        bool seen = dup.step();
        dup.reset();
        if (seen) {
          note = "same message reported again, counted once";
        } else {
          // Bounded: stops at the breaker's threshold, whatever the domain's volume.
          auto& br = stmt(
              "SELECT COUNT(*) FROM (SELECT DISTINCT address FROM events WHERE domain=?1 AND counted=1"
              " AND ts>?2 LIMIT ?3)");
          br.bind(1, domain).bind(2, now - policy_.breaker_seconds).bind(3, static_cast<std::int64_t>(policy_.breaker_addresses));
          std::int64_t recent = br.step() ? br.i64(0) : 0;
          br.reset();
          if (recent + 1 >= policy_.breaker_addresses) {
            note = "circuit breaker: many addresses of " + domain + " soft-bounce now, not counted";
            out.breaker_tripped = true;
            out.breaker_domain = domain;
          } else {
            counted = true;
          }
        }
      }
    } else {
      note = "reason " + r.reason + ": kept for review, not counted";
    }
    auto& ins = stmt(
        "INSERT INTO events(report_id, ts, address, domain, action, status, reply_code, reason, class,"
        " diagnostic, remote_mta, format, rule, message_key, counted, note)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
    ins.bind(1, out.report_id).bind(2, now).bind(3, r.recipient).bind(4, domain).bind(5, r.action)
        .bind(6, r.status).bind(7, r.reply_code).bind(8, r.reason).bind(9, r.bounce).bind(10, r.diagnostic)
        .bind(11, r.remote_mta).bind(12, report.format).bind(13, r.rule).bind(14, key)
        .bind(15, static_cast<std::int64_t>(counted ? 1 : 0)).bind(16, note);
    ins.run();
    std::int64_t event_id = sqlite3_last_insert_rowid(db_);

    auto& up = stmt(
        "INSERT INTO addresses(address, state, first_bounce, last_bounce, last_event) VALUES(?1,0,?2,?2,?3)"
        " ON CONFLICT(address) DO UPDATE SET last_bounce=?2, last_event=?3,"
        " first_bounce=CASE WHEN first_bounce=0 THEN ?2 ELSE first_bounce END");
    up.bind(1, r.recipient).bind(2, now).bind(3, event_id);
    up.run();
    if (r.reason == "delivered") {
      auto& rs = stmt("UPDATE addresses SET reset_at=?2 WHERE address=?1");
      rs.bind(1, r.recipient).bind(2, now + 1);
      rs.run();
    }
    int count = counted ? before.soft_count + 1 : before.soft_count;
    if (!make_hard && counted && before.state != AddressState::kHard && count >= before.threshold) {
      make_hard = true;
      hard_cause = "promoted";
      note = "promoted to hard after " + std::to_string(count) + " soft bounces";
    }
    std::string decision = r.recipient + " " + r.reason + "/" + r.bounce + (counted ? " counted " + std::to_string(count) + "/" + std::to_string(before.threshold) : "") + (note.empty() ? "" : " (" + note + ")");
    if (make_hard && before.state != AddressState::kHard) {
      auto& h = stmt("UPDATE addresses SET state=2, hard_since=?2, hard_reason=?3, hard_cause=?4 WHERE address=?1");
      h.bind(1, r.recipient).bind(2, now).bind(3, r.reason).bind(4, hard_cause);
      h.run();
      decision += " -> hard (" + hard_cause + ")";
    } else if (!make_hard && before.state != AddressState::kHard) {
      int state = count > 0 ? 1 : 0;
      auto& s = stmt("UPDATE addresses SET state=?2 WHERE address=?1");
      s.bind(1, r.recipient).bind(2, static_cast<std::int64_t>(state));
      s.run();
    }
    out.decisions.push_back(std::move(decision));
  }
  return out;
}

std::vector<IngestOutcome> SqliteStore::ingest(const std::vector<IngestItem>& items, std::int64_t now) {
  std::vector<IngestOutcome> out;
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& item : items) out.push_back(ingest_one(item, now));
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  return out;
}

std::vector<AddressStatus> SqliteStore::status(const std::vector<std::string>& addresses, std::int64_t now) {
  std::vector<AddressStatus> out;
  out.reserve(addresses.size());
  // One read transaction: every answer of a batch comes from the same snapshot, and
  // the WAL read lock is taken once, not once per statement.
  ReadScope read(*this);
  for (const auto& a : addresses) out.push_back(load_status(a, now));
  read.done();
  return out;
}

void SqliteStore::record_activity(const std::vector<std::string>& addresses, std::int64_t now) {
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& a : addresses) {
      auto& s = stmt("INSERT INTO addresses(address, activity) VALUES(?1,?2) ON CONFLICT(address) DO UPDATE SET activity=?2");
      s.bind(1, a).bind(2, now);
      s.run();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

bool SqliteStore::unsuppress(const std::string& address, std::int64_t now) {
  auto& s = stmt("UPDATE addresses SET state=0, hard_since=0, hard_reason='', hard_cause='operator-reset', reset_at=?2 WHERE address=?1 AND (state<>0 OR reset_at<?2)");
  s.bind(1, address).bind(2, now + 1);
  s.run();
  return sqlite3_changes(db_) > 0;
}

std::vector<EventRow> SqliteStore::history(const std::string& address) {
  std::vector<EventRow> out;
  ReadScope read(*this);
  auto& s = stmt(
      "SELECT ts, action, status, reply_code, reason, class, diagnostic, remote_mta, format, rule,"
      " message_key, counted, note FROM events WHERE address=?1 ORDER BY id");
  s.bind(1, address);
  while (s.step()) {
    EventRow e;
    e.ts = s.i64(0);
    e.action = s.text(1);
    e.status = s.text(2);
    e.reply_code = s.text(3);
    e.reason = s.text(4);
    e.klass = s.text(5);
    e.diagnostic = s.text(6);
    e.remote_mta = s.text(7);
    e.format = s.text(8);
    e.rule = s.text(9);
    e.message_key = s.text(10);
    e.counted = s.i64(11) != 0;
    e.note = s.text(12);
    out.push_back(std::move(e));
  }
  s.reset();
  read.done();
  return out;
}

std::vector<AddressStatus> SqliteStore::list_state(AddressState state, std::int64_t now) {
  std::vector<std::string> addrs;
  ReadScope read(*this);
  auto& s = stmt("SELECT address FROM addresses WHERE state=?1 ORDER BY address");
  s.bind(1, static_cast<std::int64_t>(state));
  while (s.step()) addrs.push_back(s.text(0));
  s.reset();
  std::vector<AddressStatus> out;
  for (const auto& a : addrs) {
    AddressStatus st = load_status(a, now);
    if (st.state == state) out.push_back(std::move(st));
  }
  read.done();
  return out;
}

StoreStats SqliteStore::stats() {
  StoreStats st;
  ReadScope read(*this);
  auto one = [&](const char* sql) {
    auto& s = stmt(sql);
    std::int64_t v = s.step() ? s.i64(0) : 0;
    s.reset();
    return v;
  };
  st.addresses = one("SELECT COUNT(*) FROM addresses");
  st.hard = one("SELECT COUNT(*) FROM addresses WHERE state=2");
  st.soft = one("SELECT COUNT(*) FROM addresses WHERE state=1");
  st.reports = one("SELECT COUNT(*) FROM reports");
  st.events = one("SELECT COUNT(*) FROM events");
  st.unparsed = one("SELECT COUNT(*) FROM reports WHERE flag<>''");
  read.done();
  return st;
}

}  // namespace bounced
