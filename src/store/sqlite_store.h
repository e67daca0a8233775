// sqlite_store.h - the Store on SQLite: WAL, prepared statements, one transaction
// per group of ingests, schema migrations on open.
#pragma once
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "store/checkpointer.h"
#include "store/snapshot_gate.h"
#include "store/store.h"

namespace bounced {

class SqliteStore : public Store {
 public:
  // Opens (creating when missing) and migrates the database; refuses a database of a
  // newer schema than this build knows. Throws StoreError with a clear message.
  SqliteStore(const std::string& path, CountingPolicy policy, bool read_only = false);
  ~SqliteStore() override;

  std::vector<IngestOutcome> ingest(const std::vector<IngestItem>& items, std::int64_t now) override;
  std::vector<AddressStatus> status(const std::vector<std::string>& addresses, std::int64_t now) override;
  void record_activity(const std::vector<std::string>& addresses, std::int64_t now) override;
  bool unsuppress(const std::string& address, std::int64_t now) override;
  std::vector<EventRow> history(const std::string& address) override;
  std::vector<AddressStatus> list_state(AddressState state, std::int64_t now) override;
  StoreStats stats() override;
  void release_snapshot() override;

  // With a gate, a read-only connection keeps its read transaction from one read to
  // the next while the gate says it is still the newest; the writing connection runs
  // the WAL's checkpoints itself and tells the gate when read connections must yield.
  // The gate must outlive this store.
  void use_gate(SnapshotGate* gate);
  // With a gate: the WAL's checkpoints run on a thread and connection of their own
  // (store/checkpointer.h) instead of inside the commit that filled the WAL. Throws
  // StoreError when that connection cannot be opened.
  void checkpoint_in_background();
  // Checkpoints the background thread has run so far (0 without one).
  std::uint64_t background_checkpoints() const { return checkpointer_ ? checkpointer_->runs() : 0; }
  bool in_wal_mode();

  int schema_version();
  // SQLite's page cache for this connection, in KiB.
  void set_cache_kib(int kib);

 private:
  class Stmt;
  class ReadScope;
  void exec(const char* sql);
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int frames);
  void end_read_transaction(bool failed) noexcept;
  void migrate();
  Stmt& stmt(const char* sql);
  IngestOutcome ingest_one(const IngestItem& item, std::int64_t now);
  AddressStatus load_status(const std::string& address, std::int64_t now);
  int count_soft(const std::string& address, std::int64_t reset_at, std::int64_t now);

  std::string path_;
  sqlite3* db_ = nullptr;
  CountingPolicy policy_;
  bool read_only_ = false;
  SnapshotGate* gate_ = nullptr;
  bool held_ = false;  // a read transaction kept from the last read (gate)
  std::uint64_t held_generation_ = 0;
  std::chrono::steady_clock::time_point held_since_{};
  std::vector<std::pair<const char*, std::unique_ptr<Stmt>>> stmts_;
  std::unique_ptr<Checkpointer> checkpointer_;  // stopped before db_ is closed
  std::uint64_t background_runs_ = 0;           // its runs when the WAL last started over
};

}  // namespace bounced
