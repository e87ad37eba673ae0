// Delivery per registry (issue 10): each registry has workers of its own, so
// a slow registry does not hold another back, and a registry's rate limit
// holds — counted as the requests the registry (a real HTTPS loopback
// stand-in) received in a window, never as a wall-clock duration. Each with
// the control that shows the test can fail.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "hub/engine/outbox.h"
#include "tests/hub/engine/outbox_backend.h"
#include "tests/support/http_test_deliverer.h"
#include "tests/support/loopback_registry.h"

namespace reghub::engine {
namespace {

using testing::LoopbackRegistry;
using testing::LoopbackRegistryOptions;
using testing::sampleMessage;

OutboxOptions options(std::vector<std::string> registries, size_t workers = 1) {
  OutboxOptions o;
  o.workers = workers;
  o.workerId = "limits";
  o.pollMillis = 10;
  o.maintenanceMillis = 50;
  o.leaseMillis = 30'000;
  o.claimBatch = 1;
  o.retry = RetryPolicies(RetryPolicy{5, 2, 20});
  o.seed = 3;
  o.registries = std::move(registries);
  return o;
}

class OutboxRegistryLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<testing::OutboxBackend>(testing::testName());
    store_ = backend_->open();
  }
  void enqueue(const std::string& registry, int n, int from) {
    for (int i = from; i < from + n; ++i) store_->enqueue(sampleMessage(i, registry), "", store::nowMillis());
  }
  // Each registry's own stand-in.
  DelivererFactory to(const LoopbackRegistry& slow, const LoopbackRegistry& fast) {
    return [s = std::make_pair(slow.baseUrl(), slow.caFile()),
            f = std::make_pair(fast.baseUrl(), fast.caFile())](const std::string& registry) {
      const auto& [base, ca] = registry == "slow" ? s : f;
      return testing::makeHttpTestDeliverer(base, ca, 5000);
    };
  }
  // Until `fast` holds `n` reports; how many `slow` had answered by then.
  int slowAnsweredWhenFastDone(const LoopbackRegistry& slow, const LoopbackRegistry& fast, size_t n) {
    for (int i = 0; i < 6000 && fast.distinctAccepted() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(fast.distinctAccepted(), n);
    return static_cast<int>(slow.distinctAccepted());
  }
  std::unique_ptr<testing::OutboxBackend> backend_;
  std::unique_ptr<store::DeliveryStore> store_;
};

constexpr int kSlow = 8, kFast = 20;

LoopbackRegistryOptions slowly() {
  LoopbackRegistryOptions o;
  o.delayMillis = 400;  // 8 messages: 3.2 s at the least
  return o;
}

TEST_F(OutboxRegistryLimits, SlowRegistry_DoesNotHoldBackAnotherWithWorkersPerRegistry) {
  LoopbackRegistry slow(slowly()), fast;
  slow.start();
  fast.start();
  enqueue("slow", kSlow, 0);  // first in the queue
  enqueue("fast", kFast, 100);
  Outbox outbox(*store_, to(slow, fast), options({"slow", "fast"}));
  outbox.start();
  EXPECT_LT(slowAnsweredWhenFastDone(slow, fast, kFast), kSlow) << "fast was done before slow was";
  outbox.stop();
}

TEST_F(OutboxRegistryLimits, SlowRegistry_HoldsBackAnotherWhenWorkersAreShared) {
  // The control: one worker for every registry takes the queue in order,
  // so the fast registry waits for every slow message before it.
  LoopbackRegistry slow(slowly()), fast;
  slow.start();
  fast.start();
  enqueue("slow", kSlow, 0);
  enqueue("fast", kFast, 100);
  Outbox outbox(*store_, to(slow, fast), options({}));
  outbox.start();
  EXPECT_EQ(slowAnsweredWhenFastDone(slow, fast, kFast), kSlow);
  outbox.stop();
}

// Requests `registry` received in a window of `millis` with the outbox running.
int requestsInWindow(Outbox& outbox, const LoopbackRegistry& registry, int millis) {
  outbox.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(millis));
  outbox.stop();
  return registry.requests();
}

TEST_F(OutboxRegistryLimits, Rate_AtMostRateTimesWindowPlusOne) {
  LoopbackRegistry slow, fast;
  slow.start();
  fast.start();
  enqueue("fast", 60, 100);
  auto o = options({"fast"}, 3);
  o.limits["fast"] = {3, 10.0};  // three workers sharing 10 a second
  Outbox outbox(*store_, to(slow, fast), o);
  // However fast or slow the machine, no window of 1.5 s holds more than 10·1.5 + 1.
  const int n = requestsInWindow(outbox, fast, 1500);
  EXPECT_LE(n, 16) << "the rate limit let more through";
  EXPECT_GE(n, 1);
}

TEST_F(OutboxRegistryLimits, Rate_WithoutALimitTheSameWindowHoldsMore) {
  LoopbackRegistry slow, fast;
  slow.start();
  fast.start();
  enqueue("fast", 60, 100);
  Outbox outbox(*store_, to(slow, fast), options({"fast"}, 3));
  EXPECT_GT(requestsInWindow(outbox, fast, 1500), 16) << "the control: unlimited, the window holds more";
}

}  // namespace
}  // namespace reghub::engine
