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

// The finding: the sweep failed an ingest at the cap as soon as its lease ran
// out, while its worker (alive, only late to renew) was still on it. Now it
// waits a grace period more: within it the ingest is neither failed nor
// claimed again, and its worker can still renew and record it; after it, the
// ingest is failed.
TEST_F(IntakeQueueTest, Attempts_AtTheCap_FailedOnlyOnceTheGraceAfterTheLeasePassed) {
  queue_->enqueue(ingestOf("i-1"), "the body", 1000);
  ASSERT_TRUE(queue_->claim("w1", 2000, 100, 1, 500));  // the last attempt: lease until 2100
  EXPECT_FALSE(queue_->claim("w2", 2101, 100, 1, 500)) << "lease expired, grace not passed: not claimed";
  EXPECT_EQ(store_->ingest("i-1")->state, "ingesting") << "lease expired, grace not passed: not failed";
  EXPECT_FALSE(queue_->claim("w2", 2600, 100, 1, 500)) << "at the end of the grace";
  EXPECT_EQ(store_->ingest("i-1")->state, "ingesting");
  EXPECT_FALSE(queue_->claim("w2", 2601, 100, 1, 500));
  const auto rec = store_->ingest("i-1");
  EXPECT_EQ(rec->state, "failed") << "lease expired and grace passed";
  EXPECT_NE(rec->failure.find("gave up after 1 attempts"), std::string::npos) << rec->failure;
}

TEST_F(IntakeQueueTest, Attempts_AWorkerLateWithinTheGrace_StillRecordsTheIngest) {
  queue_->enqueue(ingestOf("i-1"), "the body", 1000);
  ASSERT_TRUE(queue_->claim("w1", 2000, 100, 1, 500));
  EXPECT_FALSE(queue_->claim("w2", 2300, 100, 1, 500));  // another worker's sweep, within the grace
  EXPECT_TRUE(queue_->renew("i-1", "w1", 2900)) << "still w1's";
  EXPECT_TRUE(store_->recordIngest({"i-1", 1000, "http", 1, 1, 0, 0, false, "intake0101"}, {}, "w1"));
  EXPECT_EQ(store_->ingest("i-1")->state, "done");
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-1'"), 0);
}

// A failed ingest (claimed once, its worker's lease out, the cap 1) posted at `at`.
void failOne(IntakeQueue& queue, const std::string& id, int64_t at) {
  queue.enqueue(ingestOf(id), "the body of " + id, at);
  ASSERT_TRUE(queue.claim("w", at + 1, 10, 1));
  EXPECT_FALSE(queue.claim("w", at + 100, 10, 1));  // the sweep fails it
}

// `reghub replay --discard-ingest`: a failed ingest's body and progress go,
// its row stays as discarded, an audit entry; it is no longer listed or
// replayed. The controls: a queued ingest and an unknown id are refused and
// keep everything; another failed ingest keeps its body.
TEST_F(IntakeQueueTest, Discard_AFailedIngestLosesItsBody_NothingElseDoes) {
  failOne(*queue_, "i-1", 1000);
  failOne(*queue_, "i-2", 1000);
  queue_->enqueue(ingestOf("i-3"), "queued", 1000);
  raw_->query("INSERT INTO ingest_progress (ingest_id, citizens, messages, key_id, sealed) VALUES ('i-1', 1, 2, 'k', 's')");
  ASSERT_EQ(store_->failedIngests().size(), 2u);
  EXPECT_FALSE(store_->discardFailedIngest("i-3", "cli:test", 5000)) << "queued, not failed";
  EXPECT_FALSE(store_->discardFailedIngest("nope", "cli:test", 5000));
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-3'"), 1);
  EXPECT_EQ(store_->ingest("i-3")->state, "queued");
  EXPECT_TRUE(store_->discardFailedIngest("i-1", "cli:test", 5000));
  EXPECT_EQ(store_->ingest("i-1")->state, "discarded");
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-1'"), 0);
  EXPECT_EQ(rows("SELECT COUNT(*) FROM ingest_progress WHERE ingest_id = 'i-1'"), 0);
  EXPECT_EQ(queue_->body("i-2"), "the body of i-2") << "the other failed ingest keeps its body";
  const auto failed = store_->failedIngests();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].id, "i-2");
  EXPECT_FALSE(store_->discardFailedIngest("i-1", "cli:test", 5001)) << "once";
  EXPECT_EQ(queue_->replayFailed("i-1"), 0u) << "a discarded ingest is not replayed";
  const auto audit = store_->audit();
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().action, "discard");
  EXPECT_EQ(audit.back().actor, "cli:test");
  EXPECT_NE(audit.back().detail.find("failed ingest i-1"), std::string::npos) << audit.back().detail;
}

// retention.failedIngestDays: failed ingests posted before the cut-off are
// discarded; a failed one posted after it, and a queued old one, keep theirs.
TEST_F(IntakeQueueTest, Prune_FailedIngestsPostedBeforeTheCutOffAreDiscarded) {
  failOne(*queue_, "old", 1000);
  failOne(*queue_, "young", 9000);
  queue_->enqueue(ingestOf("waiting"), "queued", 1000);
  EXPECT_EQ(store_->pruneFailedIngests(5000, "cli:test", 10000), 1u);
  EXPECT_EQ(store_->ingest("old")->state, "discarded");
  EXPECT_EQ(rows("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'old'"), 0);
  EXPECT_EQ(store_->ingest("young")->state, "failed");
  EXPECT_EQ(queue_->body("young"), "the body of young");
  EXPECT_EQ(store_->ingest("waiting")->state, "queued");
  EXPECT_EQ(queue_->body("waiting"), "queued");
  EXPECT_EQ(store_->audit().back().action, "prune");
  EXPECT_EQ(store_->pruneFailedIngests(5000, "cli:test", 10001), 0u);
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
