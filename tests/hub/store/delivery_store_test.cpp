// The delivery store's rules (ARCHITECTURE.md "Delivery tracking"), run on
// SQLite and on PostgreSQL (the same file compiled twice).
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "hub/store/delivery_store.h"
#include "hub/store/schema.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

using testing::sampleMessage;
using testing::StoreBackend;

class DeliveryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<StoreBackend>(testing::currentTestName());
    store_ = backend_->open();
  }
  std::vector<MessageState> states(int64_t id) {
    std::vector<MessageState> out;
    for (const auto& t : store_->historyForMessage(id)) out.push_back(t.to);
    return out;
  }
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<DeliveryStore> store_;
};

AttemptOutcome outcome(MessageState next, std::string detail = {}, std::string id = {}) {
  AttemptOutcome o;
  o.next = next;
  o.httpStatus = next == MessageState::kAccepted ? 201 : 0;
  o.detail = std::move(detail);
  o.registryId = std::move(id);
  return o;
}

TEST_F(DeliveryStoreTest, Migrations_AppliedOnOpenAndIdempotent) {
  EXPECT_EQ(store_->schemaVersion(), 15);
  store_.reset();
  auto again = backend_->open();  // second open: nothing to apply, no error
  EXPECT_EQ(again->schemaVersion(), 15);
}

// A store that skipped a migration (numbered apart on two branches, the newer
// applied first) gets it on the next open: migration 9's indexes are gone
// and its row missing, as if it had never run.
TEST_F(DeliveryStoreTest, Migrations_AMissingOneBelowTheNewestIsApplied) {
  store_.reset();
  {
    auto raw = openDatabase(backend_->url());
    raw->script("DROP INDEX messages_accepted_at; DROP INDEX messages_waiting_since");
    raw->query("DELETE FROM reghub_schema WHERE version = 9");
  }
  auto again = backend_->open();
  auto raw = openDatabase(backend_->url());
  const auto count = [&](const char* sql) { return std::stoll(raw->query(sql).at(0).at(0).value_or("0")); };
  EXPECT_EQ(count("SELECT COUNT(*) FROM reghub_schema WHERE version = 9"), 1);
  // Every migration this build knows has its row (13 may be another branch's).
  EXPECT_EQ(count("SELECT COUNT(*) FROM reghub_schema"), static_cast<int64_t>(migrations(again->dialect()).size()));
  // The index is back: the health query that reads it works.
  EXPECT_FALSE(again->oldestWaiting("smdb").has_value());
  raw->script("DROP INDEX messages_accepted_at");  // throws if it was not re-created
}

TEST_F(DeliveryStoreTest, Enqueue_StoresPendingWithAuditEntry) {
  const auto r = store_->enqueue(sampleMessage(1), "ing-1", 1000);
  EXPECT_EQ(r.outcome, EnqueueOutcome::kQueued);
  EXPECT_EQ(store_->stateOf(r.id), MessageState::kPending);
  const auto h = store_->historyForMessage(r.id);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_FALSE(h[0].from.has_value());
  EXPECT_EQ(h[0].to, MessageState::kPending);
  EXPECT_EQ(h[0].at, 1000);
  EXPECT_EQ(h[0].actor, "ingest ing-1");
}

// An unchanged message says whether the same ingest queued it (an earlier
// attempt of a queued ingest, killed between queueing and recording): that
// ingest's report counts it. Another ingest's is not (the control).
TEST_F(DeliveryStoreTest, ContentHash_UnchangedTellsWhetherTheSameIngestQueuedIt) {
  store_->enqueue(sampleMessage(1), "ing-1", 1000);
  const auto sameIngest = store_->enqueue(sampleMessage(1), "ing-1", 2000);
  EXPECT_EQ(sameIngest.outcome, EnqueueOutcome::kUnchanged);
  EXPECT_TRUE(sameIngest.sameIngest);
  const auto another = store_->enqueue(sampleMessage(1), "ing-2", 3000);
  EXPECT_EQ(another.outcome, EnqueueOutcome::kUnchanged);
  EXPECT_FALSE(another.sameIngest);
}

TEST_F(DeliveryStoreTest, ContentHash_UnchangedIsNotQueuedAgain) {
  const auto first = store_->enqueue(sampleMessage(1), "", 1000);
  const auto again = store_->enqueue(sampleMessage(1), "", 2000);
  EXPECT_EQ(again.outcome, EnqueueOutcome::kUnchanged);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(store_->backlog(), 1);
  EXPECT_EQ(store_->lastContentHash("key-1"), "hash-1");
}

TEST_F(DeliveryStoreTest, ContentHash_ChangedSupersedesWaitingOne) {
  const auto first = store_->enqueue(sampleMessage(1), "", 1000);
  auto changed = sampleMessage(1);
  changed.contentHash = "hash-1b";
  changed.body += " ";
  const auto second = store_->enqueue(changed, "", 2000);
  EXPECT_EQ(second.outcome, EnqueueOutcome::kReplacedPending);
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(store_->stateOf(first.id), MessageState::kSuperseded);
  EXPECT_EQ(store_->backlog(), 1);
  EXPECT_EQ(store_->lastContentHash("key-1"), "hash-1b");
  const auto claimed = store_->claim(10, "w", 3000, 1000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, second.id);
  EXPECT_EQ(claimed[0].message.body, changed.body);
}

TEST_F(DeliveryStoreTest, Claim_DecryptsTheWholeMessage) {
  const auto m = sampleMessage(7);
  store_->enqueue(m, "", 1000);
  const auto c = store_->claim(10, "w", 1000, 1000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].attempt, 1);
  EXPECT_EQ(c[0].message.citizenCpr, m.citizenCpr);
  EXPECT_EQ(c[0].message.body, m.body);
  EXPECT_EQ(c[0].message.target, m.target);
  EXPECT_EQ(c[0].message.method, "PUT");
  EXPECT_EQ(c[0].message.headers.at("X-Test"), "yes");
  EXPECT_EQ(c[0].message.kommune, "0101");
  EXPECT_EQ(c[0].message.citizenMasked, m.citizenMasked);
}

TEST_F(DeliveryStoreTest, StateMachine_PendingSendingAccepted_RecordsAttemptAndReceipt) {
  const auto id = store_->enqueue(sampleMessage(1), "", 1000).id;
  const auto c = store_->claim(10, "w1", 2000, 1000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(store_->stateOf(id), MessageState::kSending);
  EXPECT_TRUE(store_->complete(c[0], "w1", outcome(MessageState::kAccepted, "", "reg-42"), 2500));
  EXPECT_EQ(store_->stateOf(id), MessageState::kAccepted);
  const auto h = store_->historyForMessage(id);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].to, MessageState::kSending);
  EXPECT_EQ(h[1].actor, "w1");
  EXPECT_EQ(h[2].from, MessageState::kSending);
  EXPECT_EQ(h[2].to, MessageState::kAccepted);
  EXPECT_EQ(h[2].attempt, 1);
  EXPECT_EQ(h[2].httpStatus, 201);
  EXPECT_EQ(h[2].registryId, "reg-42");
  EXPECT_EQ(h[2].at, 2500);
  EXPECT_EQ(store_->registryId("key-1"), "reg-42");
  EXPECT_EQ(store_->backlog(), 0);
}

TEST_F(DeliveryStoreTest, StateMachine_RetryWaitIsNotDueBeforeItsTime) {
  const auto id = store_->enqueue(sampleMessage(1), "", 1000).id;
  auto c = store_->claim(10, "w", 1000, 1000);
  auto o = outcome(MessageState::kRetryWait, "503 busy");
  o.nextAt = 5000;
  ASSERT_TRUE(store_->complete(c[0], "w", o, 1100));
  EXPECT_TRUE(store_->claim(10, "w", 4999, 1000).empty());
  c = store_->claim(10, "w", 5000, 1000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].attempt, 2);
  EXPECT_EQ(states(id), (std::vector<MessageState>{MessageState::kPending, MessageState::kSending,
                                                   MessageState::kRetryWait, MessageState::kSending}));
}

TEST_F(DeliveryStoreTest, Schedule_NotBeforeHoldsMessageBack) {
  store_->enqueue(sampleMessage(1), "", 1000, 9000);
  EXPECT_TRUE(store_->claim(10, "w", 8999, 1000).empty());
  EXPECT_EQ(store_->nextDue(), 9000);
  EXPECT_EQ(store_->claim(10, "w", 9000, 1000).size(), 1u);
}

TEST_F(DeliveryStoreTest, StateMachine_AttemptCannotEndSuperseded) {
  store_->enqueue(sampleMessage(1), "", 1000);
  const auto c = store_->claim(10, "w", 1000, 1000);
  EXPECT_THROW(store_->complete(c[0], "w", outcome(MessageState::kSuperseded), 1100), StoreError);
}

TEST_F(DeliveryStoreTest, Lease_LostLeaseRecordsNothing) {
  const auto id = store_->enqueue(sampleMessage(1), "", 1000).id;
  const auto c = store_->claim(10, "w1", 1000, 100);
  EXPECT_EQ(store_->recoverExpiredLeases(1200), 1u);  // w1 presumed dead
  const auto c2 = store_->claim(10, "w2", 1300, 100);
  ASSERT_EQ(c2.size(), 1u);
  EXPECT_EQ(c2[0].attempt, 2);
  EXPECT_FALSE(store_->complete(c[0], "w1", outcome(MessageState::kAccepted), 1350));  // too late
  EXPECT_TRUE(store_->complete(c2[0], "w2", outcome(MessageState::kAccepted), 1400));
  const auto h = store_->historyForMessage(id);
  EXPECT_EQ(h.back().actor, "w2");
  EXPECT_NE(h[2].detail.find("expired"), std::string::npos);
}

TEST_F(DeliveryStoreTest, Lease_NotExpiredIsNotRecovered) {
  store_->enqueue(sampleMessage(1), "", 1000);
  store_->claim(10, "w1", 1000, 500);
  EXPECT_EQ(store_->recoverExpiredLeases(1499), 0u);
  EXPECT_EQ(store_->recoverExpiredLeases(1501), 1u);
}

TEST_F(DeliveryStoreTest, Shutdown_ReleaseClaimsReturnsOnlyOwnToPending) {
  store_->enqueue(sampleMessage(1), "", 1000);
  store_->enqueue(sampleMessage(2), "", 1000);
  const auto a = store_->claim(1, "w1", 1000, 100000);
  const auto b = store_->claim(1, "w2", 1000, 100000);
  EXPECT_EQ(store_->releaseClaims("w1", 1100), 1u);
  EXPECT_EQ(store_->stateOf(a[0].id), MessageState::kPending);
  EXPECT_EQ(store_->stateOf(b[0].id), MessageState::kSending);
}

TEST_F(DeliveryStoreTest, Dependencies_WaitUntilDependencyAccepted) {
  auto a = sampleMessage(1);
  auto b = sampleMessage(2);
  b.dependsOn = {a.idempotencyKey};
  const auto bid = store_->enqueue(b, "", 1000).id;  // stored before its dependency, still waits
  EXPECT_TRUE(store_->claim(10, "w", 1000, 1000).empty());
  const auto aid = store_->enqueue(a, "", 1000).id;
  auto c = store_->claim(10, "w", 1000, 1000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].id, aid);
  ASSERT_TRUE(store_->complete(c[0], "w", outcome(MessageState::kAccepted), 1100));
  c = store_->claim(10, "w", 1200, 1000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].id, bid);
}

// Blocked messages are no claim candidates (the claim reads only ready
// rows); accepting the predecessor promotes them in the same transaction.
TEST_F(DeliveryStoreTest, Dependencies_WaitingMessageIsBlockedUntilItsPredecessorIsAccepted) {
  auto raw = openDatabase(backend_->url());
  const auto blocked = [&raw](int64_t id) {
    return raw->query("SELECT blocked FROM messages WHERE id = $1", {id}).at(0).at(0).value_or("");
  };
  auto a = sampleMessage(1);
  auto b = sampleMessage(2);
  auto c = sampleMessage(3);
  b.dependsOn = {a.idempotencyKey};
  c.dependsOn = {a.idempotencyKey, b.idempotencyKey};
  const auto bid = store_->enqueue(b, "", 1000).id;
  EXPECT_EQ(blocked(bid), "1");  // its predecessor is not even stored yet
  const auto aid = store_->enqueue(a, "", 1000).id;
  const auto cid = store_->enqueue(c, "", 1000).id;
  EXPECT_EQ(blocked(aid), "0");
  EXPECT_EQ(blocked(cid), "1");
  auto claimed = store_->claim(10, "w", 1000, 1000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, aid);
  EXPECT_EQ(blocked(bid), "1");  // a sending is not a accepted
  ASSERT_TRUE(store_->complete(claimed[0], "w", outcome(MessageState::kAccepted), 1100));
  EXPECT_EQ(blocked(bid), "0");
  EXPECT_EQ(blocked(cid), "1");  // b is not accepted yet
  claimed = store_->claim(10, "w", 1200, 1000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, bid);
  ASSERT_TRUE(store_->complete(claimed[0], "w", outcome(MessageState::kAccepted), 1300));
  EXPECT_EQ(blocked(cid), "0");
  // A message queued after its predecessor was accepted is ready at once.
  auto d = sampleMessage(4);
  d.dependsOn = {a.idempotencyKey};
  EXPECT_EQ(blocked(store_->enqueue(d, "", 1400).id), "0");
}

TEST_F(DeliveryStoreTest, Dependencies_RejectedPredecessorKeepsDependentBlockedUntilItIsDead) {
  auto raw = openDatabase(backend_->url());
  auto a = sampleMessage(1);
  auto b = sampleMessage(2);
  b.dependsOn = {a.idempotencyKey};
  store_->enqueue(a, "", 1000);
  const auto bid = store_->enqueue(b, "", 1000).id;
  auto claimed = store_->claim(10, "w", 1000, 1000);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(store_->complete(claimed[0], "w", outcome(MessageState::kRejected, "rule X"), 1100));
  EXPECT_TRUE(store_->claim(10, "w", 1200, 1000).empty());
  EXPECT_EQ(raw->query("SELECT blocked FROM messages WHERE id = $1", {bid}).at(0).at(0), "1");
  EXPECT_EQ(store_->failBlockedDependents(1200), 1u);
  EXPECT_EQ(raw->query("SELECT blocked FROM messages WHERE id = $1", {bid}).at(0).at(0), "0");
  EXPECT_EQ(store_->stateOf(bid), MessageState::kDead);
}

TEST_F(DeliveryStoreTest, Dependencies_FailedDependencyMakesDependentDeadWithReason) {
  auto a = sampleMessage(1);
  auto b = sampleMessage(2);
  b.dependsOn = {a.idempotencyKey};
  store_->enqueue(a, "", 1000);
  const auto bid = store_->enqueue(b, "", 1000).id;
  auto c = store_->claim(10, "w", 1000, 1000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(store_->failBlockedDependents(1050), 0u);  // a still on its way
  ASSERT_TRUE(store_->complete(c[0], "w", outcome(MessageState::kRejected, "rule X"), 1100));
  EXPECT_EQ(store_->failBlockedDependents(1200), 1u);
  EXPECT_EQ(store_->stateOf(bid), MessageState::kDead);
  EXPECT_NE(store_->historyForMessage(bid).back().detail.find("key-1"), std::string::npos);
  EXPECT_EQ(store_->backlog(), 0);
}

TEST_F(DeliveryStoreTest, Dependencies_IndependentMessageNotBlockedByFailingOne) {
  auto a = sampleMessage(1);
  auto b = sampleMessage(2);
  b.dependsOn = {a.idempotencyKey};
  store_->enqueue(a, "", 1000);
  store_->enqueue(b, "", 1000);
  const auto cid = store_->enqueue(sampleMessage(3), "", 1000).id;
  auto c = store_->claim(10, "w", 1000, 1000);
  ASSERT_EQ(c.size(), 2u);  // a and the independent c; b waits
  EXPECT_EQ(c[1].id, cid);
}

TEST_F(DeliveryStoreTest, Replay_DeadAndRejectedBackToPendingByFilter) {
  store_->enqueue(sampleMessage(1, "reg-a"), "", 1000);
  store_->enqueue(sampleMessage(2, "reg-b"), "", 1000);
  store_->enqueue(sampleMessage(3, "reg-a"), "", 1000);
  auto c = store_->claim(10, "w", 1000, 1000);
  ASSERT_EQ(c.size(), 3u);
  store_->complete(c[0], "w", outcome(MessageState::kDead, "gave up"), 1100);
  store_->complete(c[1], "w", outcome(MessageState::kDead, "gave up"), 1100);
  store_->complete(c[2], "w", outcome(MessageState::kRejected, "bad"), 5000);
  EXPECT_EQ(store_->replay({MessageState::kDead, "reg-a", std::nullopt, {}}, "op", 6000), 1u);
  EXPECT_EQ(store_->stateOf(c[0].id), MessageState::kPending);
  EXPECT_EQ(store_->stateOf(c[1].id), MessageState::kDead);
  EXPECT_EQ(store_->replay({MessageState::kRejected, "", int64_t{5001}, {}}, "op", 6000), 0u);  // ended before since
  EXPECT_EQ(store_->replay({MessageState::kRejected, "", int64_t{5000}, {}}, "op", 6000), 1u);
  const auto again = store_->claim(10, "w", 6000, 1000);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].attempt, 1);  // attempts start again
  EXPECT_THROW(store_->replay({MessageState::kAccepted, "", std::nullopt, {}}, "op", 6000), StoreError);
}

TEST_F(DeliveryStoreTest, AuditTrail_DatabaseRefusesUpdateAndDelete) {
  store_->enqueue(sampleMessage(1), "", 1000);
  auto raw = openDatabase(backend_->url());
  EXPECT_THROW(raw->query("UPDATE transitions SET detail = 'rewritten'"), StoreError);
  EXPECT_THROW(raw->query("DELETE FROM transitions"), StoreError);
  EXPECT_EQ(store_->historyForMessage(1).size(), 1u);
}

TEST_F(DeliveryStoreTest, Audit_WhoDidWhatIsAppendedAndTheDatabaseRefusesUpdateAndDelete) {
  store_->recordAudit("ops", "systemskifte", "smdb systemskifte for kommune 0101 (CPR 0101804323)", 1000);
  store_->recordIngest({"ing-7", 2000, "http", 1, 1, 0, 0, false, "intake0101"}, {});
  const auto trail = store_->audit();
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].actor, "ops");
  EXPECT_EQ(trail[0].action, "systemskifte");
  EXPECT_EQ(trail[0].detail.find("0101804323"), std::string::npos) << "digit runs are masked: " << trail[0].detail;
  EXPECT_EQ(trail[1].actor, "intake0101");
  EXPECT_EQ(trail[1].action, "ingest");
  EXPECT_EQ(store_->ingest("ing-7")->actor, "intake0101");
  EXPECT_EQ(store_->audit(1500).size(), 1u);
  auto raw = openDatabase(backend_->url());
  EXPECT_THROW(raw->query("UPDATE audit SET actor = 'someone else'"), StoreError);
  EXPECT_THROW(raw->query("DELETE FROM audit"), StoreError);
  EXPECT_EQ(store_->audit().size(), 2u);
  EXPECT_THROW(store_->recordAudit("", "x", "", 3000), StoreError);  // nobody did it: a bug
}

TEST_F(DeliveryStoreTest, Replay_OnlyTheGivenKommunerAndAnAuditEntry) {
  auto a = sampleMessage(1);
  a.kommune = "0101";
  auto b = sampleMessage(2);
  b.kommune = "0330";
  store_->enqueue(a, "", 1000);
  store_->enqueue(b, "", 1000);
  auto claimed = store_->claim(2, "w", 2000, 60000);
  ASSERT_EQ(claimed.size(), 2u);
  for (const auto& c : claimed) store_->complete(c, "w", outcome(MessageState::kDead, "gave up"), 3000);
  EXPECT_EQ(store_->replay({MessageState::kDead, "", std::nullopt, {"0101"}}, "op0101", 4000), 1u);
  EXPECT_EQ(store_->rejectionsIn("", "0330").at(0).count, 1);
  EXPECT_TRUE(store_->rejectionsIn("", "0101").empty());
  const auto trail = store_->audit();
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].actor, "op0101");
  EXPECT_NE(trail[0].detail.find("kommuner=0101: 1 messages"), std::string::npos) << trail[0].detail;
}

TEST_F(DeliveryStoreTest, Prune_RemovesPersonalDataOfOldAcceptedMessagesOnly) {
  store_->enqueue(sampleMessage(1), "", 1000);
  store_->enqueue(sampleMessage(2), "", 1000);
  store_->enqueue(sampleMessage(3), "", 1000);
  auto claimed = store_->claim(3, "w", 2000, 60000);
  ASSERT_EQ(claimed.size(), 3u);
  store_->complete(claimed[0], "w", outcome(MessageState::kAccepted, "", "R-1"), 3000);   // old, accepted
  store_->complete(claimed[1], "w", outcome(MessageState::kAccepted, "", "R-2"), 9000);   // young
  store_->complete(claimed[2], "w", outcome(MessageState::kRejected, "no"), 3000);         // old, not accepted
  EXPECT_EQ(store_->prunePersonalData("testreg", 5000, "ops", 10000), 1u);
  EXPECT_EQ(store_->prunePersonalData("testreg", 5000, "ops", 10000), 0u);  // already pruned
  EXPECT_EQ(store_->prunePersonalData("other", 50000, "ops", 10000), 0u);
  EXPECT_TRUE(store_->historyForCpr(sampleMessage(1).citizenCpr).empty());
  EXPECT_FALSE(store_->historyForCpr(sampleMessage(2).citizenCpr).empty());
  EXPECT_FALSE(store_->historyForCpr(sampleMessage(3).citizenCpr).empty());
  EXPECT_EQ(store_->registryId(sampleMessage(1).idempotencyKey).value_or(""), "R-1");
  EXPECT_EQ(store_->lastContentHash(sampleMessage(1).idempotencyKey).value_or(""), sampleMessage(1).contentHash);
  const auto h = store_->historyForMessage(claimed[0].id);
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.back().citizenMasked, "(pruned)");
  EXPECT_EQ(store_->audit().back().action, "prune");
}

TEST_F(DeliveryStoreTest, Status_CountsPerRegistryKommuneState) {
  store_->enqueue(sampleMessage(1, "reg-a", "0101"), "", 1000);
  store_->enqueue(sampleMessage(2, "reg-a", "0101"), "", 1000);
  store_->enqueue(sampleMessage(3, "reg-a", "0751"), "", 1000);
  store_->enqueue(sampleMessage(4, "reg-b", "0101"), "", 1000);
  auto c = store_->claim(1, "w", 1000, 1000);
  store_->complete(c[0], "w", outcome(MessageState::kAccepted), 1000);
  const auto all = store_->counts();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].registry, "reg-a");
  EXPECT_EQ(all[0].kommune, "0101");
  EXPECT_EQ(all[0].state, MessageState::kAccepted);
  EXPECT_EQ(all[0].count, 1);
  EXPECT_EQ(all[1].state, MessageState::kPending);
  EXPECT_EQ(all[1].count, 1);
  const auto onlyB = store_->counts("reg-b");
  ASSERT_EQ(onlyB.size(), 1u);
  EXPECT_EQ(onlyB[0].count, 1);
  const auto only0751 = store_->counts("", "0751");
  ASSERT_EQ(only0751.size(), 1u);
  EXPECT_EQ(only0751[0].registry, "reg-a");
}

TEST_F(DeliveryStoreTest, Status_RejectionsGroupedByReasonAndRule) {
  for (int i = 1; i <= 3; ++i) store_->enqueue(sampleMessage(i), "", 1000);
  auto c = store_->claim(10, "w", 1000, 1000);
  store_->complete(c[0], "w", outcome(MessageState::kRejected, "TEST-RULE-01 [2-X]: date 2026-04-01 too early"), 1000);
  store_->complete(c[1], "w", outcome(MessageState::kRejected, "TEST-RULE-01 [2-X]: date 2026-05-03 too early"), 1000);
  store_->complete(c[2], "w", outcome(MessageState::kRejected, "TEST-RULE-02 broken"), 1000);
  diag::Diagnostic d;
  d.registry = "testreg";
  d.rule = "TEST-VAL-07";
  d.citizen = "0101**-****";
  store_->recordIngest({"ing-1", 1000, "http", 1, 0, 2, 0, false, "http"}, {d, d});
  const auto g = store_->rejections();
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[0].source, "registry");
  EXPECT_EQ(g[0].rule, "TEST-RULE-01");
  EXPECT_EQ(g[0].count, 2);
  EXPECT_EQ(g[1].rule, "TEST-RULE-02");
  EXPECT_EQ(g[2].source, "validation");
  EXPECT_EQ(g[2].rule, "TEST-VAL-07");
  EXPECT_EQ(g[2].count, 2);
}

// Retention of ingest diagnostics: an old ingest's diagnostics go, its row
// and counts stay; a young ingest keeps its diagnostics.
TEST_F(DeliveryStoreTest, PruneIngestDiagnostics_OnlyThoseOfIngestsBeforeTheCutOff) {
  diag::Diagnostic d;
  d.registry = "testreg";
  d.rule = "TEST-VAL-07";
  d.citizen = "0101**-****";
  store_->recordIngest({"ing-old", 1000, "http", 1, 0, 2, 0, false, "http"}, {d, d});
  store_->recordIngest({"ing-young", 5000, "http", 1, 0, 1, 0, false, "http"}, {d});
  EXPECT_EQ(store_->pruneIngestDiagnostics(3000), 2u);
  EXPECT_TRUE(store_->ingestDiagnostics("ing-old").empty());
  ASSERT_TRUE(store_->ingest("ing-old").has_value());
  EXPECT_EQ(store_->ingest("ing-old")->errors, 2);
  EXPECT_EQ(store_->ingestDiagnostics("ing-young").size(), 1u);
  EXPECT_EQ(store_->pruneIngestDiagnostics(3000), 0u);
}

TEST_F(DeliveryStoreTest, Status_DeadGroupedByReason) {
  for (int i = 1; i <= 2; ++i) store_->enqueue(sampleMessage(i), "", 1000);
  auto c = store_->claim(10, "w", 1000, 1000);
  store_->complete(c[0], "w", outcome(MessageState::kDead, "gave up after 5 attempts; last: connect: refused"), 1000);
  store_->complete(c[1], "w", outcome(MessageState::kDead, "gave up after 5 attempts; last: timeout"), 1000);
  const auto g = store_->rejections();
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].source, "dead");
  EXPECT_EQ(g[0].rule, "gave up after 5 attempts");
  EXPECT_EQ(g[0].count, 2);
}

TEST_F(DeliveryStoreTest, Privacy_RegistryAnswerEchoingCprIsStoredMasked) {
  const auto m = sampleMessage(1);
  store_->enqueue(m, "", 1000);
  auto c = store_->claim(1, "w", 1000, 1000);
  store_->complete(c[0], "w", outcome(MessageState::kRejected, "patient " + m.citizenCpr + " unknown"), 1000);
  const auto h = store_->historyForForloeb(m.forloebKey);
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h.back().detail.find(m.citizenCpr), std::string::npos);
  EXPECT_NE(h.back().detail.find(m.citizenCpr.substr(0, 4) + "**-****"), std::string::npos);
  for (const auto& g : store_->rejections()) EXPECT_EQ(g.rule.find(m.citizenCpr), std::string::npos);
}

TEST_F(DeliveryStoreTest, Privacy_NoCprOrNameInAnyStoredValue) {
  // Every value of every table, as the database returns it (on PostgreSQL
  // the file-level scan of no_cpr_at_rest_test.cpp is not possible).
  for (int i = 0; i < 20; ++i) store_->enqueue(sampleMessage(i), "ing-1", 1000);
  auto c = store_->claim(20, "w", 1000, 1000);
  for (auto& m : c)
    store_->complete(m, "w", outcome(MessageState::kRejected, "CPR " + m.message.citizenCpr + " unknown"), 1100);
  diag::Diagnostic d;
  d.rule = "X";
  d.message = "a message";
  d.citizen = "0101**-****";
  store_->recordIngest({"ing-1", 1000, "in", 20, 20, 1, 0, false, "cli:test"}, {d});
  auto raw = openDatabase(backend_->url());
  std::string all;
  for (const char* table : {"messages", "message_deps", "transitions", "ingests", "ingest_diagnostics"})
    for (const auto& row : raw->query(std::string("SELECT * FROM ") + table))
      for (const auto& v : row) all += v.value_or("") + "\n";
  ASSERT_GT(all.size(), 1000u);
  for (int i = 0; i < 20; ++i) {
    const std::string cpr = testing::syntheticCpr(i);
    EXPECT_EQ(all.find(cpr), std::string::npos) << "CPR " << model::maskCpr(cpr) << " stored in clear";
    EXPECT_EQ(all.find(cpr.substr(0, 6) + "-" + cpr.substr(6)), std::string::npos);
  }
  EXPECT_EQ(all.find("Testesen"), std::string::npos);
  // Control: the scan does see what is stored in clear (masked CPR, kommune).
  EXPECT_NE(all.find(model::maskCpr(testing::syntheticCpr(3))), std::string::npos);
}

TEST_F(DeliveryStoreTest, Privacy_HistoryByCprUsesKeyedHashAndShowsMaskedCpr) {
  const auto m1 = sampleMessage(1);
  store_->enqueue(m1, "", 1000);
  store_->enqueue(sampleMessage(2), "", 1000);
  const auto h = store_->historyForCpr(m1.citizenCpr);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].citizenMasked, model::maskCpr(m1.citizenCpr));
  EXPECT_TRUE(store_->historyForCpr("0101011234").empty());
}

TEST_F(DeliveryStoreTest, Ingest_DiagnosticsRoundTripSealed) {
  diag::Diagnostic d;
  d.registry = "testreg";
  d.severity = diag::Severity::kWarning;
  d.rule = "TEST-1";
  d.file = "in.ndjson";
  d.line = 3;
  d.citizen = "0101**-****";
  d.message = "hello";
  store_->recordIngest({"ing-9", 1000, "in.ndjson", 4, 5, 0, 1, false, "cli:test"}, {d});
  const auto r = store_->ingest("ing-9");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->citizens, 4);
  EXPECT_EQ(r->messages, 5);
  const auto back = store_->ingestDiagnostics("ing-9");
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].rule, "TEST-1");
  EXPECT_EQ(back[0].severity, diag::Severity::kWarning);
  EXPECT_EQ(back[0].line, 3);
  EXPECT_EQ(back[0].message, "hello");
  EXPECT_FALSE(store_->ingest("nope"));
}

TEST_F(DeliveryStoreTest, Concurrency_TwoConnectionsNeverClaimTheSameMessage) {
  constexpr int kMessages = 300;
  for (int i = 0; i < kMessages; ++i) store_->enqueue(sampleMessage(i), "", 1000);
  auto other = backend_->open();
  std::vector<int64_t> a, b;
  auto run = [](DeliveryStore& s, const std::string& w, std::vector<int64_t>& got) {
    for (;;) {
      const auto c = s.claim(3, w, 2000, 100000);
      if (c.empty()) return;
      for (const auto& m : c) got.push_back(m.id);
    }
  };
  std::thread t1(run, std::ref(*store_), "w1", std::ref(a));
  std::thread t2(run, std::ref(*other), "w2", std::ref(b));
  t1.join();
  t2.join();
  std::set<int64_t> all(a.begin(), a.end());
  for (auto id : b) EXPECT_TRUE(all.insert(id).second) << "claimed twice: " << id;
  EXPECT_EQ(all.size(), static_cast<size_t>(kMessages));
}

TEST(MaskDigitRuns, MasksTenDigitRunsOnly) {
  EXPECT_EQ(maskDigitRuns("cpr 0101601235 bad"), "cpr 0101**-**** bad");
  EXPECT_EQ(maskDigitRuns("status 503, id 123456789"), "status 503, id 123456789");
  EXPECT_EQ(maskDigitRuns("x010160123599y"), "x0101**-****y");
  EXPECT_EQ(maskDigitRuns("(010160-1235)"), "(0101**-****)");
  EXPECT_EQ(maskDigitRuns("2026-11-01 12:00"), "2026-11-01 12:00");
}

}  // namespace
}  // namespace reghub::store
