// writer.cc - group commit on one thread.
#include "server/writer.h"

#include <ctime>
#include <vector>

namespace bounced {

Writer::Writer(Store& store, std::size_t max_group, SnapshotGate* gate,
               std::function<void()> release_readers)
    : store_(store),
      max_group_(max_group),
      gate_(gate),
      release_readers_(std::move(release_readers)) {
  thread_ = std::thread([this] { run(); });
}

Writer::~Writer() { stop(); }

void Writer::submit(WriteJob job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void Writer::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

// After a job, committed or not, and before it is answered: no read connection keeps
// a snapshot from before it.
void Writer::written() {
  if (!gate_) return;
  gate_->committed();
  if (release_readers_ && gate_->yield.load(std::memory_order_relaxed)) release_readers_();
}

void Writer::run() {
  for (;;) {
    std::vector<WriteJob> group;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      if (queue_.front().task) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      } else {
        while (!queue_.empty() && !queue_.front().task && group.size() < max_group_) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    if (group.size() == 1 && group.front().task) {
      std::string error;
      try {
        group.front().task(store_);
      } catch (const std::exception& e) {
        error = e.what();
        if (error.empty()) error = "write failed";
      }
      written();
      group.front().done(nullptr, error);
      continue;
    }
    std::vector<IngestItem> items;
    items.reserve(group.size());
    for (const auto& j : group) items.push_back({&j.raw, &j.report, j.flag});
    std::vector<IngestOutcome> outcomes;
    std::string error;
    try {
      outcomes = store_.ingest(items, static_cast<std::int64_t>(std::time(nullptr)));
      ++commits_;
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "commit failed";
    }
    written();
    if (error.empty())
      for (std::size_t i = 0; i < group.size(); ++i) group[i].done(&outcomes[i], {});
    else
      for (auto& j : group) j.done(nullptr, error);
  }
}

}  // namespace bounced
