// writer.h - the single writer: a thread that commits queued ingests in groups, so
// that many concurrent ingests share one transaction (and one fsync) while each is
// acknowledged only after its commit.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/snapshot_gate.h"
#include "store/store.h"

namespace bounced {

struct WriteJob {
  // Either a task (run alone on the writer thread) or an ingest (committed in a group).
  std::function<void(Store&)> task;
  std::string raw;
  Report report;
  std::string flag;
  // Called on the writer thread after commit (ok) or failure (error set).
  std::function<void(const IngestOutcome* outcome, const std::string& error)> done;
};

class Writer {
 public:
  // With a gate, the writer moves its generation on after every job, before the job
  // is answered; while the gate asks read connections to yield, release_readers is
  // called too (so that idle ones let go of their snapshots).
  Writer(Store& store, std::size_t max_group, SnapshotGate* gate = nullptr,
         std::function<void()> release_readers = {});
  ~Writer();
  void submit(WriteJob job);
  // Finishes queued jobs, then stops the thread.
  void stop();
  std::uint64_t commits() const { return commits_; }

 private:
  void run();
  void written();
  Store& store_;
  std::size_t max_group_;
  SnapshotGate* gate_;
  std::function<void()> release_readers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WriteJob> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> commits_{0};
  std::thread thread_;
};

}  // namespace bounced
