// hs_scratch.h - Hyperscan scratch spaces for one database, shared by threads: a scan
// takes one from the pool (cloning the prototype when none is free) and gives it back.
#pragma once
#ifdef BOUNCED_HAVE_HYPERSCAN
#include <hs.h>

#include <mutex>
#include <vector>

namespace bounced {

class ScratchPool {
 public:
  ScratchPool() = default;
  ~ScratchPool();
  ScratchPool(const ScratchPool&) = delete;
  ScratchPool& operator=(const ScratchPool&) = delete;

  // Makes the prototype for db; false when Hyperscan could not.
  bool init(const hs_database_t* db);
  // A scratch space for one scan, or nullptr when none could be made.
  hs_scratch_t* acquire() const;
  void release(hs_scratch_t* s) const;

 private:
  hs_scratch_t* prototype_ = nullptr;
  mutable std::mutex mutex_;
  mutable std::vector<hs_scratch_t*> free_;
};

// A scratch space borrowed for the length of a scope.
class ScratchLease {
 public:
  explicit ScratchLease(const ScratchPool& pool) : pool_(pool), scratch_(pool.acquire()) {}
  ~ScratchLease() {
    if (scratch_) pool_.release(scratch_);
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  hs_scratch_t* get() const { return scratch_; }

 private:
  const ScratchPool& pool_;
  hs_scratch_t* scratch_;
};

}  // namespace bounced
#endif
