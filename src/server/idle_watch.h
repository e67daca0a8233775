// idle_watch.h - closes a connection that stays idle past a limit (no request read
// and no part of an answer taken by the client for that long). Activity only
// stamps the time; the timer wakes once per limit period and re-arms itself for what
// is left, instead of being re-armed for every request (each re-arm is a timerfd
// system call, as many as the rest of a status query's).
#pragma once
#include <utility>  // Boost 1.74 Asio needs std::exchange declared first (C++20)
#include <boost/asio.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace bounced {

class IdleWatch {
 public:
  using Clock = std::chrono::steady_clock;

  IdleWatch(const boost::asio::any_io_executor& ex, Clock::duration limit) : timer_(ex), limit_(limit) {}

  // Activity: the idle time counts from now.
  void touch() { last_ = Clock::now(); }

  // Calls on_idle (on the connection's loop) once the connection has been idle for
  // the limit. owner is the object that holds this watch: a wake-up after it is gone
  // does nothing.
  void start(std::weak_ptr<void> owner, std::function<void()> on_idle) {
    owner_ = std::move(owner);
    on_idle_ = std::move(on_idle);
    touch();
    wait();
  }

  void cancel() { timer_.cancel(); }

 private:
  void wait() {
    timer_.expires_at(last_ + limit_);
    timer_.async_wait([this, owner = owner_](const boost::system::error_code& ec) {
      auto alive = owner.lock();
      if (ec || !alive) return;
      if (Clock::now() - last_ >= limit_) on_idle_();
      else wait();
    });
  }

  boost::asio::steady_timer timer_;
  Clock::duration limit_;
  Clock::time_point last_{};
  std::weak_ptr<void> owner_;
  std::function<void()> on_idle_;
};

}  // namespace bounced
