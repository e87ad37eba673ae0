#pragma once
// A registry's rate limit in this process (delivery.<registry>.ratePerSecond):
// sends are spaced 1/rate apart across every worker of the registry, with no
// burst — so in any window of T seconds at most T·rate + 1 attempts start.
// Thread-safe.
#include <atomic>
#include <chrono>
#include <mutex>

namespace reghub::engine {

class RateLimiter {
 public:
  explicit RateLimiter(double perSecond);
  // Waits for this attempt's turn; false when `stop` was set meanwhile.
  bool acquire(const std::atomic<bool>& stop);

 private:
  std::mutex mutex_;
  std::chrono::steady_clock::duration interval_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace reghub::engine
