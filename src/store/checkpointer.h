// checkpointer.h - copies the WAL back into the database on a thread and connection of
// its own, so that the writer's commits (and the clients waiting for them) do not wait
// for it: a checkpoint of 1000 frames into a large store writes pages all over the
// file and syncs it, tens of milliseconds, and took over a third of the writer's time
// under a steady ingest load.
//
// A checkpoint copies what was committed when it began; commits that land while it
// runs keep the WAL from starting over, so the writer still checkpoints itself once
// the WAL has grown well past the usual size (SqliteStore::on_wal_commit).
#pragma once
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace bounced {

class Checkpointer {
 public:
  // Opens its own connection to the database at `path` (in WAL mode). Throws StoreError.
  explicit Checkpointer(const std::string& path);
  ~Checkpointer();  // waits for a checkpoint under way, then closes
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Asks for a passive checkpoint; never blocks. Requests made while one runs ask for
  // one more after it.
  void request();
  // Checkpoints so far that copied frames into the database (not those that found
  // another connection checkpointing, or nothing to copy).
  std::uint64_t runs() const { return runs_.load(std::memory_order_acquire); }

 private:
  void run();

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stop_ = false;
  bool warned_ = false;  // the checkpointer thread's own
  std::atomic<std::uint64_t> runs_{0};
  std::thread thread_;
};

}  // namespace bounced
