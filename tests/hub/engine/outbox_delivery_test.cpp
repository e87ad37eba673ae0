// The outbox end to end over real HTTPS on loopback (LoopbackRegistry) and a
// real store (SQLite, and PostgreSQL in the pg. variant): every message
// ends accepted, rejected with the registry's reason, or dead; retries with
// backoff; dependencies in order; a failing message blocks nothing else.
#include <gtest/gtest.h>

#include <algorithm>
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

OutboxOptions fastOptions(int maxAttempts = 30) {
  OutboxOptions o;
  o.workers = 3;
  o.workerId = "test";
  o.pollMillis = 10;
  o.maintenanceMillis = 50;
  o.leaseMillis = 10'000;
  o.retry = RetryPolicies(RetryPolicy{maxAttempts, 2, 20});
  o.seed = 7;
  return o;
}

class OutboxDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<testing::OutboxBackend>(testing::testName());
    store_ = backend_->open();
  }
  void enqueue(int n, int from = 0) {
    for (int i = from; i < from + n; ++i) store_->enqueue(sampleMessage(i), "", store::nowMillis());
  }
  int64_t countIn(store::MessageState s) {
    int64_t n = 0;
    for (const auto& c : store_->counts())
      if (c.state == s) n += c.count;
    return n;
  }
  DelivererFactory to(const LoopbackRegistry& r) {
    const std::string base = r.baseUrl(), ca = r.caFile();
    return [base, ca](const std::string&) { return testing::makeHttpTestDeliverer(base, ca, 3000); };
  }
  std::unique_ptr<testing::OutboxBackend> backend_;
  std::unique_ptr<store::DeliveryStore> store_;
};

TEST_F(OutboxDeliveryTest, Deliver_AllAcceptedEachKeyOnce) {
  LoopbackRegistry registry;
  registry.start();
  enqueue(200);
  Outbox outbox(*store_, to(registry), fastOptions());
  outbox.start();
  ASSERT_TRUE(outbox.drain(60'000));
  outbox.stop();
  EXPECT_EQ(countIn(store::MessageState::kAccepted), 200);
  EXPECT_EQ(registry.distinctAccepted(), 200u);
  EXPECT_EQ(registry.resentKeys(), 0u);
  EXPECT_EQ(registry.body("key-5"), sampleMessage(5).body);
  EXPECT_EQ(store_->registryId("key-0").value_or("").rfind("reg-", 0), 0u);
}

TEST_F(OutboxDeliveryTest, Retry_FlakyRegistryFailingEveryThirdAndDroppingConnectionsStillAllAccepted) {
  LoopbackRegistryOptions opt;
  opt.failEvery = 3;
  opt.dropEvery = 7;
  LoopbackRegistry registry(opt);
  registry.start();
  enqueue(150);
  Outbox outbox(*store_, to(registry), fastOptions());
  outbox.start();
  ASSERT_TRUE(outbox.drain(60'000));
  outbox.stop();
  EXPECT_EQ(countIn(store::MessageState::kAccepted), 150);
  EXPECT_EQ(registry.distinctAccepted(), 150u);
  EXPECT_EQ(registry.resentKeys(), 0u);  // a 503 or a dropped request stored nothing
  EXPECT_GT(outbox.stats().retries, 40u);
  // The audit trail shows the retries with the registry's answer.
  bool sawRetry503 = false;
  for (int i = 0; i < 150 && !sawRetry503; ++i)
    for (const auto& t : store_->historyForForloeb(sampleMessage(i).forloebKey))
      sawRetry503 |= t.to == store::MessageState::kRetryWait && t.httpStatus == 503;
  EXPECT_TRUE(sawRetry503);
}

TEST_F(OutboxDeliveryTest, Rejected_KeepsRegistryReasonAndBlocksNothingElse) {
  LoopbackRegistryOptions opt;
  opt.rejectKeys = {"key-3"};
  LoopbackRegistry registry(opt);
  registry.start();
  enqueue(20);
  Outbox outbox(*store_, to(registry), fastOptions());
  outbox.start();
  ASSERT_TRUE(outbox.drain(30'000));
  outbox.stop();
  EXPECT_EQ(countIn(store::MessageState::kAccepted), 19);
  EXPECT_EQ(countIn(store::MessageState::kRejected), 1);
  const auto h = store_->historyForForloeb(sampleMessage(3).forloebKey);
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.back().to, store::MessageState::kRejected);
  EXPECT_EQ(h.back().httpStatus, 422);
  EXPECT_NE(h.back().detail.find("TEST-RULE-01"), std::string::npos);
  const auto g = store_->rejections();
  ASSERT_FALSE(g.empty());
  EXPECT_NE(g[0].rule.find("TEST-RULE-01"), std::string::npos);
}

TEST_F(OutboxDeliveryTest, Dead_AfterLastAttemptWithReason_ThenReplayDelivers) {
  // A registry that is not there: connection refused on every attempt.
  std::string deadUrl, deadCa;
  LoopbackRegistry gone;
  gone.start();
  deadUrl = gone.baseUrl();
  deadCa = gone.caFile();
  gone.stop();
  enqueue(5);
  {
    Outbox outbox(*store_, [deadUrl, deadCa](const std::string&) { return testing::makeHttpTestDeliverer(deadUrl, deadCa, 500); },
                  fastOptions(3));
    outbox.start();
    ASSERT_TRUE(outbox.drain(30'000));
    outbox.stop();
    // Per-registry health: 5 messages × 3 attempts, none reached the registry.
    EXPECT_EQ(outbox.consecutiveFailures(sampleMessage(0).registry), 15u);
    EXPECT_EQ(outbox.consecutiveFailures("another"), 0u);
  }
  EXPECT_EQ(countIn(store::MessageState::kDead), 5);
  const auto h = store_->historyForForloeb(sampleMessage(0).forloebKey);
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.back().to, store::MessageState::kDead);
  EXPECT_EQ(h.back().attempt, 3);
  EXPECT_NE(h.back().detail.find("gave up after 3 attempts"), std::string::npos);
  // reghub replay --state dead, with the registry back.
  LoopbackRegistry registry;
  registry.start();
  EXPECT_EQ(store_->replay({store::MessageState::kDead, "", std::nullopt, {}}, "operator", store::nowMillis()), 5u);
  Outbox outbox(*store_, to(registry), fastOptions());
  outbox.start();
  ASSERT_TRUE(outbox.drain(30'000));
  outbox.stop();
  EXPECT_EQ(countIn(store::MessageState::kAccepted), 5);
  EXPECT_EQ(registry.distinctAccepted(), 5u);
  EXPECT_EQ(outbox.consecutiveFailures(sampleMessage(0).registry), 0u);  // an accepted attempt ends the run
  EXPECT_TRUE(store_->lastAccepted(sampleMessage(0).registry).has_value());
  EXPECT_FALSE(store_->oldestWaiting(sampleMessage(0).registry).has_value());
}

TEST_F(OutboxDeliveryTest, Dead_NoDelivererForRegistryEndsDeadWithTheReason) {
  enqueue(2);
  Outbox outbox(*store_, [](const std::string&) -> std::unique_ptr<Deliverer> {
    throw std::invalid_argument("x.endpoint is not set");
  }, fastOptions(2));
  outbox.start();
  ASSERT_TRUE(outbox.drain(30'000));
  outbox.stop();
  EXPECT_EQ(countIn(store::MessageState::kDead), 2);
  const auto h = store_->historyForForloeb(sampleMessage(0).forloebKey);
  ASSERT_FALSE(h.empty());
  EXPECT_NE(h.back().detail.find("x.endpoint is not set"), std::string::npos) << h.back().detail;
}

TEST_F(OutboxDeliveryTest, Dependencies_DeliveredInOrder) {
  LoopbackRegistry registry;
  registry.start();
  // Chains of 4 (like anmodning → iværksættelse → tilbudstilknytning →
  // afslutning), enqueued last-first so order comes from dependencies only.
  for (int chain = 0; chain < 10; ++chain)
    for (int step = 3; step >= 0; --step) {
      auto m = sampleMessage(chain * 10 + step);
      if (step > 0) m.dependsOn = {"key-" + std::to_string(chain * 10 + step - 1)};
      store_->enqueue(m, "", store::nowMillis());
    }
  Outbox outbox(*store_, to(registry), fastOptions());
  outbox.start();
  ASSERT_TRUE(outbox.drain(30'000));
  outbox.stop();
  const auto order = registry.firstStoredOrder();
  ASSERT_EQ(order.size(), 40u);
  auto pos = [&order](int i) { return std::find(order.begin(), order.end(), "key-" + std::to_string(i)) - order.begin(); };
  for (int chain = 0; chain < 10; ++chain)
    for (int step = 1; step < 4; ++step)
      EXPECT_LT(pos(chain * 10 + step - 1), pos(chain * 10 + step)) << "chain " << chain << " step " << step;
}

TEST_F(OutboxDeliveryTest, Dependencies_RejectedDependencyEndsDependentsDead) {
  LoopbackRegistryOptions opt;
  opt.rejectKeys = {"key-0"};
  LoopbackRegistry registry(opt);
  registry.start();
  auto a = sampleMessage(0);
  auto b = sampleMessage(1);
  b.dependsOn = {a.idempotencyKey};
  store_->enqueue(a, "", store::nowMillis());
  store_->enqueue(b, "", store::nowMillis());
  Outbox outbox(*store_, to(registry), fastOptions());
  outbox.start();
  ASSERT_TRUE(outbox.drain(30'000));
  outbox.stop();
  EXPECT_EQ(countIn(store::MessageState::kRejected), 1);
  EXPECT_EQ(countIn(store::MessageState::kDead), 1);
  EXPECT_EQ(registry.distinctAccepted(), 0u);
}

TEST_F(OutboxDeliveryTest, Shutdown_StopLeavesNothingInFlight) {
  LoopbackRegistryOptions opt;
  opt.delayMillis = 20;
  LoopbackRegistry registry(opt);
  registry.start();
  enqueue(100);
  Outbox outbox(*store_, to(registry), fastOptions());
  outbox.start();
  while (registry.requests() < 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  outbox.stop();
  EXPECT_EQ(countIn(store::MessageState::kSending), 0);
  EXPECT_EQ(countIn(store::MessageState::kAccepted) + countIn(store::MessageState::kPending), 100);
  EXPECT_EQ(static_cast<size_t>(countIn(store::MessageState::kAccepted)), registry.distinctAccepted());
}

}  // namespace
}  // namespace reghub::engine
