#include "hub/engine/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace reghub::engine {

RateLimiter::RateLimiter(double perSecond)
    : interval_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / std::max(perSecond, 1e-6)))) {}

bool RateLimiter::acquire(const std::atomic<bool>& stop) {
  std::chrono::steady_clock::time_point turn;
  {
    std::lock_guard lock(mutex_);
    turn = std::max(std::chrono::steady_clock::now(), next_);
    next_ = turn + interval_;
  }
  // Slept in short steps: a stop is not held up by a slow rate.
  while (std::chrono::steady_clock::now() < turn) {
    if (stop) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(turn - std::chrono::steady_clock::now(),
                                                                              std::chrono::milliseconds(50)));
  }
  return !stop;
}

}  // namespace reghub::engine
