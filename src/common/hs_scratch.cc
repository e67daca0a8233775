// hs_scratch.cc - the pool of Hyperscan scratch spaces.
#include "common/hs_scratch.h"

#ifdef BOUNCED_HAVE_HYPERSCAN
namespace bounced {

ScratchPool::~ScratchPool() {
  for (hs_scratch_t* s : free_) hs_free_scratch(s);
  if (prototype_) hs_free_scratch(prototype_);
}

bool ScratchPool::init(const hs_database_t* db) {
  return hs_alloc_scratch(db, &prototype_) == HS_SUCCESS;
}

hs_scratch_t* ScratchPool::acquire() const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      hs_scratch_t* s = free_.back();
      free_.pop_back();
      return s;
    }
  }
  hs_scratch_t* s = nullptr;
  return prototype_ && hs_clone_scratch(prototype_, &s) == HS_SUCCESS ? s : nullptr;
}

void ScratchPool::release(hs_scratch_t* s) const {
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(s);
}

}  // namespace bounced
#endif
