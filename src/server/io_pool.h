// io_pool.h - one event loop per I/O thread. Each accepted connection is given to one
// loop for its whole life, so its handlers never need a lock or a strand, and a
// thread sleeps in its own epoll instead of handing every ready socket to another
// thread through a shared queue (the wake-ups cost more than the queries did).
#pragma once
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20)
#include <boost/asio.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace bounced {

class IoPool {
 public:
  explicit IoPool(std::size_t threads);
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // Loop 0 runs on the thread that calls run(): signals, acceptors and timers live there.
  boost::asio::io_context& main() { return *loops_[0]; }
  // The loop for the next connection (round robin).
  boost::asio::io_context& next();

  // Runs every loop, loop i on its own thread after on_thread_start(i) (loop 0 on the
  // calling thread), until stop(); returns when all have finished.
  void run(const std::function<void(std::size_t)>& on_thread_start);
  // Runs fn once on every loop's thread (queued behind what each loop has to do).
  void post_each(const std::function<void()>& fn);
  void stop();

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace bounced
