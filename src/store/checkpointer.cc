// checkpointer.cc - the WAL's checkpoints on a thread of their own.
#include "store/checkpointer.h"

#include <spdlog/spdlog.h>

#include "store/connection.h"
#include "store/store.h"

namespace bounced {

Checkpointer::Checkpointer(const std::string& path)
    : path_(path),
      db_(open_connection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, " for checkpoints")) {
  // The WAL is synced before its pages are copied and the database after: a
  // checkpoint cut short by a crash is redone from the WAL at the next open. Reading
  // the schema opens the WAL for this connection: sqlite3_wal_checkpoint_v2 on a
  // connection that has read nothing copies nothing.
  sqlite3_busy_timeout(db_, 5000);
  try {
    exec_sql(db_, "PRAGMA synchronous=FULL; SELECT COUNT(*) FROM sqlite_schema");
  } catch (const StoreError& e) {
    sqlite3_close(db_);
    throw StoreError(path + ": " + e.what());
  }
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  sqlite3_close(db_);
}

void Checkpointer::request() {
  {
    std::lock_guard lock(mutex_);
    if (wanted_) return;
    wanted_ = true;
  }
  wake_.notify_one();
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return wanted_ || stop_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    int frames = 0;
    int copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
    // BUSY: another connection (the writer past its limit, a shell) is checkpointing.
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      spdlog::warn("store: {}: checkpoint failed: {}", path_, sqlite3_errmsg(db_));
    if (rc == SQLITE_OK && frames < 0 && !warned_) {
      spdlog::warn("store: {}: not in WAL mode; background checkpoints do nothing", path_);
      warned_ = true;
    }
    if (rc == SQLITE_OK && copied > 0) runs_.fetch_add(1, std::memory_order_release);
    lock.lock();
  }
}

}  // namespace bounced
