// The intake queue (store/intake_queue.h): a posted body is stored sealed,
// claimed once under a lease, claimed again only when the lease ran out, and
// deleted when the ingest is recorded done. Both stores.
#include <gtest/gtest.h>

#include "hub/store/intake_queue.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

QueuedIngest ingestOf(const std::string& id) {
  QueuedIngest q;
  q.id = id;
  q.source = "http";
  q.contentType = "application/fhir+ndjson";
  q.actor = "intake0101";
  q.kommuner = {"0101", "0330"};
  return q;
}

class IntakeQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.open();
    queue_ = IntakeQueue::open(store_->options());
    raw_ = openDatabase(backend_.url());
  }
  int64_t rows(const std::string& sql) { return std::stoll(raw_->query(sql).at(0).at(0).value_or("0")); }

  testing::StoreBackend backend_{testing::currentTestName()};
  std::unique_ptr<DeliveryStore> store_;
  std::unique_ptr<IntakeQueue> queue_;
  std::unique_ptr<SqlDb> raw_;
};

TEST_F(IntakeQueueTest, Claim_OnceUnderALease_AgainOnlyWhenTheLeaseRanOut) {
  queue_->enqueue(ingestOf("i-1"), "{\"resourceType\":\"Patient\"}", 1000);
  EXPECT_EQ(store_->ingest("i-1")->state, "queued");
  EXPECT_EQ(queue_->waiting(), 1);
  const auto first = queue_->claim("w1", 2000, 500);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->attempt, 1);
  EXPECT_EQ(first->kommuner, (std::set<std::string>{"0101", "0330"}));
  EXPECT_EQ(first->contentType, "application/fhir+ndjson");
  EXPECT_EQ(store_->ingest("i-1")->state, "ingesting");
  EXPECT_FALSE(queue_->claim("w2", 2100, 500)) << "leased to w1";
  EXPECT_TRUE(queue_->renew("i-1", "w1", 3000));
  EXPECT_FALSE(queue_->renew("i-1", "w2", 9000)) << "not w2's";
  EXPECT_FALSE(queue_->claim("w2", 2900, 500)) << "renewed until 3000";
  const auto again = queue_->claim("w2", 3001, 500);  // w1 died
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempt, 2);
  EXPECT_EQ(queue_->body("i-1"), "{\"resourceType\":\"Patient\"}");
}

TEST_F(IntakeQueueTest, Done_DeletesTheBodyInTheSameTransaction) {
  queue_->enqueue(ingestOf("i-1"), "body one", 1000);
  queue_->enqueue(ingestOf("i-2"), "body two", 1001);
  ASSERT_TRUE(queue_->claim("w1", 2000, 500));
  store_->recordIngest({"i-1", 1000, "http", 3, 7, 0, 0, false, "intake0101"}, {});
  const auto rec = store_->ingest("i-1");
  EXPECT_EQ(rec->state, "done");
  EXPECT_EQ(rec->messages, 7);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-1'"), 0);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-2'"), 1) << "the other waits";
  EXPECT_EQ(queue_->waiting(), 1);
  EXPECT_FALSE(queue_->renew("i-1", "w1", 9000)) << "done is no longer leased";
}

TEST_F(IntakeQueueTest, Streamed_PiecesJoinInOrder_AndAnAbandonedBodyLeavesNothing) {
  queue_->begin(ingestOf("i-1"), 1000);
  queue_->append("i-1", 0, "abc");
  queue_->append("i-1", 1, "def");
  EXPECT_FALSE(queue_->claim("w1", 2000, 500)) << "still receiving";
  queue_->release("i-1");
  EXPECT_EQ(queue_->body("i-1"), "abcdef");
  queue_->begin(ingestOf("i-2"), 1000);
  queue_->append("i-2", 0, "half");
  queue_->abandon("i-2");
  EXPECT_FALSE(store_->ingest("i-2"));
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-2'"), 0);
  queue_->begin(ingestOf("i-3"), 1000);  // its connection died; the sweep removes it
  EXPECT_EQ(queue_->dropStaleReceiving(1001), 1u);
  EXPECT_FALSE(store_->ingest("i-3"));
}

TEST_F(IntakeQueueTest, Sealed_APieceMovedToAnotherPlaceDoesNotOpen) {
  queue_->begin(ingestOf("i-1"), 1000);
  queue_->append("i-1", 0, "first 0101604321");
  queue_->append("i-1", 1, "second");
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE sealed LIKE '%0101604321%'"), 0) << "sealed at rest";
  EXPECT_EQ(queue_->body("i-1"), "first 0101604321second");  // the control: in place, it opens
  raw_->query("UPDATE intake_bodies SET seq = 5 WHERE seq = 0");
  EXPECT_THROW(queue_->body("i-1"), KeyError);
}

// Its workers die in every attempt (the lease runs out each time): after
// maxAttempts claims it is not claimed again but failed — visible, its body
// kept — and a replay queues it again. The control: below the cap, an
// expired lease is simply claimed again.
TEST_F(IntakeQueueTest, Attempts_WorkersDyingEveryTime_EndFailedWithTheBodyKept_AndAReplayQueuesItAgain) {
  queue_->enqueue(ingestOf("i-1"), "the body", 1000);
  ASSERT_TRUE(queue_->claim("w1", 2000, 100, 2));
  const auto second = queue_->claim("w2", 2101, 100, 2);  // w1 died: below the cap, claimed again
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempt, 2);
  EXPECT_FALSE(queue_->claim("w3", 2202, 100, 2)) << "w2 died too: the cap is reached";
  const auto rec = store_->ingest("i-1");
  EXPECT_EQ(rec->state, "failed");
  EXPECT_EQ(rec->attempts, 2);
  EXPECT_NE(rec->failure.find("gave up after 2 attempts"), std::string::npos) << rec->failure;
  EXPECT_EQ(queue_->body("i-1"), "the body") << "no data lost";
  EXPECT_EQ(queue_->waiting(), 0) << "a failed ingest holds no intake back";
  const auto failed = store_->failedIngests();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].id, "i-1");
  EXPECT_TRUE(store_->failedIngests("someone else").empty());
  EXPECT_EQ(queue_->replayFailed(), 1u);
  EXPECT_EQ(store_->ingest("i-1")->state, "queued");
  const auto again = queue_->claim("w4", 3000, 100, 2);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempt, 1) << "a replay starts the attempts again";
}

// A worker whose last attempt threw gives the ingest up — only while it
// holds the lease (another worker may have it by now).
TEST_F(IntakeQueueTest, Fail_OnlyByTheWorkerHoldingTheLease) {
  queue_->enqueue(ingestOf("i-1"), "the body", 1000);
  ASSERT_TRUE(queue_->claim("w1", 2000, 100));
  ASSERT_TRUE(queue_->claim("w2", 2101, 100));  // w1's lease ran out
  EXPECT_FALSE(queue_->fail("i-1", "w1", "store failure"));
  EXPECT_EQ(store_->ingest("i-1")->state, "ingesting");
  EXPECT_TRUE(queue_->fail("i-1", "w2", "store failure at 0101604321"));
  EXPECT_EQ(store_->ingest("i-1")->state, "failed");
  EXPECT_EQ(store_->ingest("i-1")->failure.find("0101604321"), std::string::npos) << "digit runs masked";
}

// The record of a queued ingest is conditional on its lease: a worker that
// lost it records nothing (its body, counts and diagnostics are the other
// worker's to record); the worker holding it records (the control).
TEST_F(IntakeQueueTest, Record_OnlyWhileTheWorkerHoldsTheLease) {
  queue_->enqueue(ingestOf("i-1"), "the body", 1000);
  ASSERT_TRUE(queue_->claim("w1", 2000, 100));
  ASSERT_TRUE(queue_->claim("w2", 2101, 60'000));
  diag::Diagnostic d;
  d.registry = "testreg";
  d.rule = "TEST-01";
  const IngestRecord rec{"i-1", 1000, "http", 3, 7, 1, 0, false, "intake0101"};
  EXPECT_FALSE(store_->recordIngest(rec, {d}, "w1"));
  EXPECT_EQ(store_->ingest("i-1")->state, "ingesting");
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-1'"), 1);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM ingest_diagnostics WHERE ingest_id = 'i-1'"), 0);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM audit WHERE action = 'ingest'"), 0);
  EXPECT_TRUE(store_->recordIngest(rec, {d}, "w2"));
  EXPECT_EQ(store_->ingest("i-1")->state, "done");
  EXPECT_EQ(store_->ingest("i-1")->messages, 7);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-1'"), 0);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM audit WHERE action = 'ingest'"), 1);
}

// `reghub rekey`'s part for the queue: a body posted under the old key opens
// with the new key alone once it is re-sealed; without the rekey it does not
// (the control). Resumable: a second run re-seals nothing.
TEST_F(IntakeQueueTest, Rekey_AQueuedBodyOpensWithTheNewKeyAloneAfterIt) {
  const std::string kNewKey = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2A=";
  const std::string kLookup = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=";
  const std::string kOldKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";  // the test keyring's (test-k1)
  queue_->begin(ingestOf("i-1"), 1000);
  queue_->append("i-1", 0, "first piece, ");
  queue_->append("i-1", 1, "second piece");
  queue_->release("i-1");
  queue_->enqueue(ingestOf("i-2"), "a whole body", 1001);
  auto rotated = std::make_shared<Keyring>("k2", kNewKey, kLookup);
  rotated->addRetiredKey("test-k1", kOldKey);
  StoreOptions withBoth{backend_.url(), rotated};
  const StoreOptions newOnly{backend_.url(), std::make_shared<const Keyring>("k2", kNewKey, kLookup)};
  {
    auto store = DeliveryStore::open(withBoth);  // the canary moves to k2
  }
  EXPECT_THROW(IntakeQueue::open(newOnly)->body("i-1"), KeyError) << "control: still under the old key";
  auto both = IntakeQueue::open(withBoth);
  IntakeQueue::RekeyCursor first;
  EXPECT_EQ(both->rekey(first, 2), 2u);  // interrupted after one batch ...
  EXPECT_FALSE(first.done);
  IntakeQueue::RekeyCursor again;  // ... and run again from the start
  size_t resealed = 0;
  while (!again.done) resealed += both->rekey(again, 2);
  EXPECT_EQ(resealed, 1u) << "only what was left";
  auto after = IntakeQueue::open(newOnly);
  EXPECT_EQ(after->body("i-1"), "first piece, second piece");
  EXPECT_EQ(after->body("i-2"), "a whole body");
}

}  // namespace
}  // namespace reghub::store
