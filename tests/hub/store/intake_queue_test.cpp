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

}  // namespace
}  // namespace reghub::store
