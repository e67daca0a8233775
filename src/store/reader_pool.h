// reader_pool.h - one read-only store connection per I/O thread. A SQLite connection
// and its prepared statements serve one thread at a time; with WAL every reader sees
// the last commit at once and never waits for the writer, so queries scale with the
// I/O threads and are always current.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "store/snapshot_gate.h"
#include "store/store.h"

namespace bounced {

class ReaderPool {
 public:
  static constexpr std::size_t kReadCacheKib = 32 * 1024;  // shared by all read connections

  // Opens `threads` read-only connections to db (at least one); with a gate, each
  // keeps its read transaction between requests while the gate allows.
  ReaderPool(const std::string& db, const CountingPolicy& policy, std::size_t threads,
             SnapshotGate* gate = nullptr);
  // Takes ready stores (tests); one per thread.
  explicit ReaderPool(std::vector<std::unique_ptr<Store>> stores);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // The store of the calling thread: thread i uses connection i after bind_thread(i);
  // a thread that never bound itself uses connection 0 (the main thread's).
  Store& local();
  std::size_t size() const { return stores_.size(); }

  static void bind_thread(std::size_t index);

 private:
  std::vector<std::unique_ptr<Store>> stores_;
};

}  // namespace bounced
