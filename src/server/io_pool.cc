// io_pool.cc - the event loops and their threads.
#include "server/io_pool.h"

#include <thread>

namespace bounced {

IoPool::IoPool(std::size_t threads) {
  if (threads == 0) threads = 1;
  for (std::size_t i = 0; i < threads; ++i) {
    // Concurrency hint 1: one thread runs each loop (other threads only post to it).
    loops_.push_back(std::make_unique<boost::asio::io_context>(1));
    keep_.push_back(boost::asio::make_work_guard(*loops_.back()));
  }
}

boost::asio::io_context& IoPool::next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

void IoPool::run(const std::function<void(std::size_t)>& on_thread_start) {
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < loops_.size(); ++i)
    threads.emplace_back([this, i, &on_thread_start] {
      on_thread_start(i);
      loops_[i]->run();
    });
  on_thread_start(0);
  loops_[0]->run();
  for (auto& t : threads) t.join();
}

void IoPool::post_each(const std::function<void()>& fn) {
  for (auto& l : loops_) boost::asio::post(*l, fn);
}

void IoPool::stop() {
  for (auto& k : keep_) k.reset();
  for (auto& l : loops_) l->stop();
}

}  // namespace bounced
