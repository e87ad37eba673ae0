// Crash safety and scale-out with real worker processes (fork/exec of
// reghub_test_outbox_worker) against a real store and a real HTTPS registry:
// - a worker killed with SIGKILL mid-send loses nothing: its messages are
//   recovered when the lease runs out and sent again with the same
//   idempotency key (the registry stores each key once);
// - several workers in parallel deliver every message exactly once
//   (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer at a time).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/hub/engine/outbox_backend.h"
#include "tests/support/loopback_registry.h"

namespace reghub::engine {
namespace {

using testing::LoopbackRegistry;
using testing::LoopbackRegistryOptions;
using testing::sampleMessage;
using testing::WorkerProcess;

int64_t countIn(store::DeliveryStore& s, store::MessageState state) {
  int64_t n = 0;
  for (const auto& c : s.counts())
    if (c.state == state) n += c.count;
  return n;
}

bool waitFor(const std::function<bool()>& cond, int maxMillis) {
  for (int waited = 0; waited < maxMillis; waited += 5) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

void enqueueMany(store::DeliveryStore& s, int n) {
  for (int i = 0; i < n; ++i) s.enqueue(sampleMessage(i), "", store::nowMillis());
}

TEST(OutboxCrash, Sigkill_MidSendLosesNothingAndResendsOnlyWithSameKey) {
  testing::OutboxBackend backend(testing::testName());
  auto store = backend.open();
  constexpr int kMessages = 300;
  enqueueMany(*store, kMessages);
  LoopbackRegistryOptions opt;
  opt.delayMillis = 30;  // workers spend their time mid-send
  LoopbackRegistry registry(opt);
  registry.start();

  WorkerProcess victim(backend.url(), registry.baseUrl(), registry.caFile(), "victim", 2, 1500);
  ASSERT_TRUE(waitFor([&] { return registry.requests() >= 60; }, 60'000)) << "the worker never started sending";
  victim.kill9();
  EXPECT_EQ(victim.wait(), 128 + SIGKILL);
  const int64_t inFlight = countIn(*store, store::MessageState::kSending);
  EXPECT_GT(inFlight, 0) << "the kill should catch the worker mid-send";

  WorkerProcess survivor(backend.url(), registry.baseUrl(), registry.caFile(), "survivor", 2, 1500);
  EXPECT_EQ(survivor.wait(), 0);

  EXPECT_EQ(countIn(*store, store::MessageState::kAccepted), kMessages);
  EXPECT_EQ(registry.distinctAccepted(), static_cast<size_t>(kMessages));
  // Only messages in flight at the kill may reach the registry twice, and
  // then with the same idempotency key (the registry counts them once).
  EXPECT_LE(registry.resentKeys(), static_cast<size_t>(inFlight));
  size_t recovered = 0;
  for (int i = 0; i < kMessages; ++i)
    for (const auto& t : store->historyForForloeb(sampleMessage(i).forloebKey))
      recovered += t.actor == "recovery" ? 1 : 0;
  EXPECT_EQ(recovered, static_cast<size_t>(inFlight));
}

#ifdef REGHUB_TEST_BACKEND_PG
constexpr int kParallelMessages = 10'000;
#else
constexpr int kParallelMessages = 2'000;
#endif

TEST(OutboxScaleOut, ThreeWorkerProcesses_NoDuplicateNoneMissing) {
  testing::OutboxBackend backend(testing::testName());
  auto store = backend.open();
  enqueueMany(*store, kParallelMessages);
  LoopbackRegistry registry;
  registry.start();
  {
    WorkerProcess a(backend.url(), registry.baseUrl(), registry.caFile(), "a", 2, 30'000);
    WorkerProcess b(backend.url(), registry.baseUrl(), registry.caFile(), "b", 2, 30'000);
    WorkerProcess c(backend.url(), registry.baseUrl(), registry.caFile(), "c", 2, 30'000);
    EXPECT_EQ(a.wait(), 0);
    EXPECT_EQ(b.wait(), 0);
    EXPECT_EQ(c.wait(), 0);
  }
  EXPECT_EQ(countIn(*store, store::MessageState::kAccepted), kParallelMessages);
  EXPECT_EQ(registry.distinctAccepted(), static_cast<size_t>(kParallelMessages));
  EXPECT_EQ(registry.resentKeys(), 0u) << "a message was sent twice";
  EXPECT_EQ(registry.requests(), kParallelMessages);
}

TEST(OutboxScaleOut, OneOfThreeKilled_OthersRecoverItsWork) {
  testing::OutboxBackend backend(testing::testName());
  auto store = backend.open();
  constexpr int kMessages = 400;
  enqueueMany(*store, kMessages);
  LoopbackRegistryOptions opt;
  opt.delayMillis = 10;
  LoopbackRegistry registry(opt);
  registry.start();
  WorkerProcess victim(backend.url(), registry.baseUrl(), registry.caFile(), "victim", 2, 1000);
  WorkerProcess b(backend.url(), registry.baseUrl(), registry.caFile(), "b", 2, 1000);
  WorkerProcess c(backend.url(), registry.baseUrl(), registry.caFile(), "c", 2, 1000);
  ASSERT_TRUE(waitFor([&] { return registry.requests() >= 80; }, 60'000));
  victim.kill9();
  EXPECT_EQ(victim.wait(), 128 + SIGKILL);
  EXPECT_EQ(b.wait(), 0);
  EXPECT_EQ(c.wait(), 0);
  EXPECT_EQ(countIn(*store, store::MessageState::kAccepted), kMessages);
  EXPECT_EQ(registry.distinctAccepted(), static_cast<size_t>(kMessages));
}

}  // namespace
}  // namespace reghub::engine
