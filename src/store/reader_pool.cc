// reader_pool.cc - per-thread read connections.
#include "store/reader_pool.h"

#include <algorithm>
#include <stdexcept>

#include "store/sqlite_store.h"

namespace bounced {

namespace {
thread_local std::size_t t_reader_index = 0;
}

ReaderPool::ReaderPool(const std::string& db, const CountingPolicy& policy, std::size_t threads,
                       SnapshotGate* gate) {
  const std::size_t n = std::max<std::size_t>(1, threads);
  // One page-cache budget shared by the readers (the OS page cache holds the rest), so
  // the daemon's memory does not grow with the number of cores.
  const int kib = static_cast<int>(std::max<std::size_t>(4096, kReadCacheKib / n));
  for (std::size_t i = 0; i < n; ++i) {
    auto store = std::make_unique<SqliteStore>(db, policy, true);
    store->set_cache_kib(kib);
    if (gate) store->use_gate(gate);
    stores_.push_back(std::move(store));
  }
}

ReaderPool::ReaderPool(std::vector<std::unique_ptr<Store>> stores) : stores_(std::move(stores)) {
  if (stores_.empty()) throw std::invalid_argument("reader pool: no store");
}

Store& ReaderPool::local() { return *stores_[t_reader_index < stores_.size() ? t_reader_index : 0]; }

void ReaderPool::bind_thread(std::size_t index) { t_reader_index = index; }

}  // namespace bounced
