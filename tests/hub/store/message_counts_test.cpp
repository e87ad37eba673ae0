// The counters of migration 11 (docs/STORE.md "Counts"): kept by triggers in
// the transaction of every state change, so after a mixed run — ingest,
// deliver, reject, dead, replay, supersede, prune, lease recovery, failed
// dependents — they equal a full count of the messages. Both stores (on
// PostgreSQL before and after the deltas are folded in). The same for the
// rejected and dead messages counted by answer text (migration 13).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "hub/store/detail_rule.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

using testing::sampleMessage;

// registry|kommune|state → n, superseded left out as counts() does.
using Tally = std::map<std::string, int64_t>;

Tally fullCount(SqlDb& db) {
  Tally out;
  for (const auto& r : db.query("SELECT registry, kommune, state, COUNT(*) FROM messages WHERE state <> 'superseded' "
                                "GROUP BY registry, kommune, state"))
    out[r[0].value_or("") + "|" + r[1].value_or("") + "|" + r[2].value_or("")] = std::stoll(r[3].value_or("0"));
  return out;
}

// registry|kommune|state|key → n of the rejected and dead messages (migration 13's counters count these, keyed
// since migration 15 by the message's rule, or its answer text when it has none; PostgreSQL: the key's md5).
Tally fullDetailCount(SqlDb& db) {
  Tally out;
  const std::string key = db.dialect() == Dialect::kPostgres ? "md5(COALESCE(last_rule, last_detail, ''))"
                                                             : "COALESCE(last_rule, last_detail, '')";
  for (const auto& r : db.query("SELECT registry, kommune, state, " + key + ", COUNT(*) FROM messages "
                                "WHERE state IN ('rejected', 'dead') GROUP BY registry, kommune, state, " + key))
    out[r[0].value_or("") + "|" + r[1].value_or("") + "|" + r[2].value_or("") + "|" + r[3].value_or("")] =
        std::stoll(r[4].value_or("0"));
  return out;
}

Tally detailCounters(SqlDb& db) {
  Tally out;
  for (const auto& r : db.query("SELECT registry, kommune, state, detail_key, SUM(n) FROM (SELECT registry, kommune, "
                                "state, detail_key, n FROM message_detail_counts UNION ALL SELECT registry, kommune, "
                                "state, detail_key, n FROM message_detail_deltas) c GROUP BY registry, kommune, state, "
                                "detail_key HAVING SUM(n) <> 0"))
    out[r[0].value_or("") + "|" + r[1].value_or("") + "|" + r[2].value_or("") + "|" + r[3].value_or("")] =
        std::stoll(r[4].value_or("0"));
  return out;
}

// Messages per source (registry/dead) as rejections() groups them.
std::map<std::string, int64_t> perSource(DeliveryStore& store) {
  std::map<std::string, int64_t> out;
  for (const auto& g : store.rejections())
    if (g.source != "validation") out[g.registry + "|" + g.source] += g.count;
  return out;
}

Tally counters(DeliveryStore& store) {
  Tally out;
  for (const auto& c : store.counts()) out[c.registry + "|" + c.kommune + "|" + std::string(toString(c.state))] = c.count;
  return out;
}

AttemptOutcome outcome(MessageState next, int64_t nextAt = 0) {
  AttemptOutcome o;
  o.next = next;
  o.nextAt = nextAt;
  o.httpStatus = next == MessageState::kAccepted ? 200 : 400;
  o.registryId = next == MessageState::kAccepted ? "R-1" : "";
  o.detail = "TEST-01 test";
  return o;
}

class MessageCountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.open();
    raw_ = openDatabase(backend_.url());
  }
  // A run with every kind of transition.
  void mixedRun() {
    const int64_t now = 1'000'000;
    for (int i = 0; i < 40; ++i)
      store_->enqueue(sampleMessage(i, i % 3 ? "reg-a" : "reg-b", i % 2 ? "0101" : "0330"), "ing-1", now);
    // Dependents: 100 waits for key-0 (blocked), 101 for key-1.
    for (int i : {100, 101}) {
      auto m = sampleMessage(i, "reg-b", "0101");
      m.dependsOn = {i == 100 ? "key-0" : "key-3"};
      store_->enqueue(m, "ing-1", now);
    }
    // Supersede: newer content for a pending key.
    auto newer = sampleMessage(5, "reg-a", "0101");
    newer.contentHash = "hash-5-v2";
    store_->enqueue(newer, "ing-2", now);
    std::vector<ToEnqueue> batch;
    for (int i = 40; i < 50; ++i) batch.push_back({sampleMessage(i, "reg-a", "0101"), 0});
    store_->enqueueBatch(batch, "ing-3", now);

    auto claimed = store_->claim(30, "w1", now, 60'000);
    ASSERT_GE(claimed.size(), 20u);
    const MessageState kinds[] = {MessageState::kAccepted, MessageState::kRejected, MessageState::kRetryWait,
                                  MessageState::kDead};
    std::vector<std::pair<ClaimedMessage, AttemptOutcome>> done;
    for (size_t i = 0; i < 16; ++i) done.push_back({claimed[i], outcome(kinds[i % 4], now + 10)});
    store_->completeBatch(done, "w1", now + 1);
    store_->complete(claimed[16], "w1", outcome(MessageState::kAccepted), now + 2);
    store_->releaseClaims("w1", now + 3);  // the rest back to pending
    // A worker that dies: its lease runs out.
    store_->claim(3, "w2", now + 20, 5);
    store_->recoverExpiredLeases(now + 100);
    store_->failBlockedDependents(now + 110);
    store_->replay({MessageState::kDead, "", std::nullopt, {}}, "test", now + 120);
    store_->replay({MessageState::kRejected, "reg-a", std::nullopt, {"0101"}}, "test", now + 130);
    store_->prunePersonalData("reg-a", now + 1'000, "test", now + 140);
  }

  testing::StoreBackend backend_{testing::currentTestName()};
  std::unique_ptr<DeliveryStore> store_;
  std::unique_ptr<SqlDb> raw_;
};

TEST_F(MessageCountsTest, Counters_AfterAMixedRun_EqualAFullCount) {
  mixedRun();
  const Tally full = fullCount(*raw_);
  ASSERT_GE(full.size(), 8u) << "the run reaches many registry × kommune × state cells";
  EXPECT_EQ(counters(*store_), full);
  store_->foldCounts();  // PostgreSQL: the deltas into the counters; SQLite: nothing
  EXPECT_EQ(counters(*store_), full);
  EXPECT_EQ(std::stoll(raw_->query("SELECT COUNT(*) FROM message_count_deltas").at(0).at(0).value_or("0")), 0);
  // The backlog reads them too.
  int64_t waiting = 0;
  for (const auto& [k, n] : full)
    if (k.ends_with("|pending") || k.ends_with("|sending") || k.ends_with("|retry-wait")) waiting += n;
  EXPECT_EQ(store_->backlog(), waiting);
}

TEST_F(MessageCountsTest, Counters_FollowAChangeMadeOutsideTheStoreCode) {
  mixedRun();
  // An operator's UPDATE in SQL is a transition too: the trigger counts it.
  raw_->query("UPDATE messages SET state = 'dead' WHERE state = 'pending'");
  EXPECT_EQ(counters(*store_), fullCount(*raw_));
}

TEST_F(MessageCountsTest, Comparison_FindsACounterThatIsOff) {
  // The control: a counter changed behind the triggers' back is seen.
  mixedRun();
  store_->foldCounts();
  raw_->query("UPDATE message_counts SET n = n + 1 WHERE state = 'accepted'");
  EXPECT_NE(counters(*store_), fullCount(*raw_));
}

TEST_F(MessageCountsTest, DetailCounters_AfterAMixedRun_EqualAFullCount) {
  mixedRun();
  const Tally full = fullDetailCount(*raw_);
  ASSERT_GE(full.size(), 2u) << "rejected messages of two registries are left after the replays";
  EXPECT_EQ(detailCounters(*raw_), full);
  const auto groups = perSource(*store_);
  store_->foldCounts();
  EXPECT_EQ(detailCounters(*raw_), full);
  EXPECT_EQ(perSource(*store_), groups);
  EXPECT_EQ(std::stoll(raw_->query("SELECT COUNT(*) FROM message_detail_deltas").at(0).at(0).value_or("0")), 0);
  // rejections() reads them: its groups add up to the rejected and dead messages.
  int64_t rejected = 0, dead = 0;
  for (const auto& [k, n] : full) (k.find("|rejected|") != std::string::npos ? rejected : dead) += n;
  int64_t fromGroups = 0;
  for (const auto& [k, n] : groups) fromGroups += n;
  EXPECT_EQ(fromGroups, rejected + dead);
}

TEST_F(MessageCountsTest, DetailCounters_FollowAChangeMadeOutsideTheStoreCode) {
  mixedRun();
  store_->foldCounts();
  // A new answer text for the rejected ones, and every waiting message given up, in SQL (the rule set with
  // the text, or left out: the text is then the key).
  raw_->query("UPDATE messages SET last_detail = 'OTHER-02 changed', last_rule = 'OTHER-02' WHERE state = 'rejected'");
  raw_->query("UPDATE messages SET state = 'dead', last_detail = 'given up by hand' WHERE state = 'pending'");
  EXPECT_EQ(detailCounters(*raw_), fullDetailCount(*raw_));
  store_->foldCounts();
  EXPECT_EQ(detailCounters(*raw_), fullDetailCount(*raw_));
}

TEST_F(MessageCountsTest, Comparison_FindsADetailCounterThatIsOff) {
  // The control: a counter changed behind the triggers' back is seen.
  mixedRun();
  store_->foldCounts();
  raw_->query("UPDATE message_detail_counts SET n = n + 1 WHERE state = 'rejected'");
  EXPECT_NE(detailCounters(*raw_), fullDetailCount(*raw_));
}

// The finding: the answer texts carry each message's key and attempt count,
// so the counters held about one row per dead message. Keyed by the rule
// (messages.last_rule), 30 rejected and dead messages with texts of their
// own are one row per rule — and the figures GET /status and the dashboard
// show are those of grouping every message's own text (the control: a full
// pass over the messages, grouped as the dashboard groups them).
TEST_F(MessageCountsTest, DetailCounters_TextsOfTheirOwn_AreOneRowPerRule_WithTheSameFigures) {
  const int64_t now = 1'000'000;
  for (int i = 0; i < 20; ++i) store_->enqueue(sampleMessage(i, "reg-a", i % 2 ? "0101" : "0330"), "ing-1", now);
  for (int i = 20; i < 30; ++i) {  // each waits for one that will be given up
    auto m = sampleMessage(i, "reg-a", "0101");
    m.dependsOn = {"key-" + std::to_string(i - 20)};
    store_->enqueue(m, "ing-1", now);
  }
  auto claimed = store_->claim(20, "w1", now, 60'000);
  ASSERT_EQ(claimed.size(), 20u);
  std::vector<std::pair<ClaimedMessage, AttemptOutcome>> done;
  for (size_t i = 0; i < claimed.size(); ++i) {
    const std::string key = claimed[i].message.idempotencyKey;
    AttemptOutcome o = outcome(i < 10 ? MessageState::kDead : MessageState::kRejected);
    o.detail = i < 10 ? "gave up after 3 attempts; last: HTTP 503 for " + key + " at attempt 3"
                      : "SMDB-TILB-03 [3-TILB]: the referral of " + key + " has no date";
    done.push_back({claimed[i], o});
  }
  store_->completeBatch(done, "w1", now + 1);
  EXPECT_EQ(store_->failBlockedDependents(now + 2), 10u);  // "depends on key-N, which ended rejected or dead; …"
  store_->foldCounts();
  const auto rows = [&] {
    return std::stoll(raw_->query("SELECT (SELECT COUNT(*) FROM message_detail_counts) + (SELECT COUNT(*) FROM "
                                  "message_detail_deltas)").at(0).at(0).value_or("0"));
  };
  // gave up (2 kommuner), the referral rule (2 kommuner), depends on (0101).
  EXPECT_EQ(rows(), 5) << "one row per registry × kommune × state × rule, not per text";
  EXPECT_EQ(detailCounters(*raw_), fullDetailCount(*raw_));
  // The control: every rejected and dead message's own text, grouped as the dashboard groups them.
  std::map<std::string, int64_t> full;
  for (const auto& r : raw_->query("SELECT registry, state, last_detail FROM messages WHERE state IN ('rejected', 'dead')")) {
    const bool rejected = r[1].value_or("") == "rejected";
    full[r[0].value_or("") + "|" + (rejected ? "registry" : "dead") + "|" +
         (rejected ? ruleOf(r[2].value_or("")) : deadReason(r[2].value_or("")))] += 1;
  }
  ASSERT_EQ(full.size(), 3u);
  std::map<std::string, int64_t> shown;
  for (const auto& g : store_->rejections("reg-a")) shown[g.registry + "|" + g.source + "|" + g.rule] += g.count;
  EXPECT_EQ(shown, full);
  // And each rule's count per kommune (the dashboard's rule page).
  for (const auto& [group, n] : full) {
    const size_t a = group.find('|'), b = group.find('|', a + 1);
    int64_t sum = 0;
    for (const auto& [kommune, count] : store_->ruleByKommune("reg-a", group.substr(a + 1, b - a - 1), group.substr(b + 1)))
      sum += count;
    EXPECT_EQ(sum, n) << group;
  }
}

// Migration 15 on a store that has rejected and dead messages: back to
// version 14 (no last_rule, the counters keyed by the text, migration 13's
// triggers), then opened. Every such message gets the rule the store would
// have given it, and the counters — one row per rule — are what GET
// /status and the dashboard showed before the upgrade.
TEST_F(MessageCountsTest, Migration15_DerivesTheRulesOfTheMessagesThere_TheFiguresStay) {
  mixedRun();
  const int64_t now = 2'000'000;
  for (int i = 200; i < 210; ++i) store_->enqueue(sampleMessage(i, "reg-c", "0101"), "ing-9", now);
  auto claimed = store_->claim(10, "w9", now, 60'000, "reg-c");
  ASSERT_EQ(claimed.size(), 10u);
  for (auto& c : claimed) {
    AttemptOutcome o = outcome(MessageState::kDead);
    o.detail = "gave up after 4 attempts; last: HTTP 502 for " + c.message.idempotencyKey;
    ASSERT_TRUE(store_->complete(c, "w9", o, now + 1));
  }
  store_->foldCounts();
  const auto byRule = [](DeliveryStore& store) {
    std::map<std::string, int64_t> out;
    for (const auto& g : store.rejections())
      if (g.source != "validation") out[g.registry + "|" + g.source + "|" + g.rule] += g.count;
    return out;
  };
  const auto shown = byRule(*store_);
  store_.reset();
  const bool pg = testing::StoreBackend::isPostgres();
  raw_->script(pg ? "DROP TRIGGER messages_detail_insert ON messages; DROP TRIGGER messages_detail_update ON messages"
                  : "DROP TRIGGER messages_detail_insert; DROP TRIGGER messages_detail_update; "
                    "DROP TRIGGER messages_detail_delete");
  raw_->script("ALTER TABLE messages DROP COLUMN last_rule; ALTER TABLE ingest_progress DROP COLUMN merge_batch; "
               "CREATE INDEX messages_errors_since ON messages (updated_at, state) WHERE state IN ('rejected', 'dead'); "
               "CREATE INDEX messages_created ON messages (created_at, forloeb_key, state)");
  raw_->script(pg ? "CREATE TRIGGER messages_detail_insert AFTER INSERT OR DELETE ON messages FOR EACH ROW EXECUTE "
                    "FUNCTION reghub_count_details(); CREATE TRIGGER messages_detail_update AFTER UPDATE OF state ON "
                    "messages FOR EACH ROW EXECUTE FUNCTION reghub_count_details()"
                  : "CREATE TRIGGER messages_detail_insert AFTER INSERT ON messages BEGIN SELECT 1; END; "
                    "CREATE TRIGGER messages_detail_update AFTER UPDATE ON messages BEGIN SELECT 1; END; "
                    "CREATE TRIGGER messages_detail_delete AFTER DELETE ON messages BEGIN SELECT 1; END");
  // Version 14's counters: one per answer text.
  raw_->script(std::string("DELETE FROM message_detail_counts; DELETE FROM message_detail_deltas; INSERT INTO "
                           "message_detail_counts (registry, kommune, state, detail_key, detail, n) SELECT registry, "
                           "kommune, state, ") +
               (pg ? "md5(COALESCE(last_detail, ''))" : "COALESCE(last_detail, '')") +
               ", COALESCE(last_detail, ''), COUNT(*) FROM messages WHERE state IN ('rejected', 'dead') GROUP BY "
               "registry, kommune, state, COALESCE(last_detail, '')");
  raw_->query("DELETE FROM reghub_schema WHERE version = 15");
  const auto countersBefore = std::stoll(raw_->query("SELECT COUNT(*) FROM message_detail_counts").at(0).at(0).value_or("0"));
  ASSERT_GE(countersBefore, 10) << "a row per dead message's text";
  store_ = backend_.open();
  EXPECT_EQ(store_->schemaVersion(), 15);
  for (const auto& r : raw_->query("SELECT state, COALESCE(last_detail, ''), last_rule FROM messages WHERE state IN "
                                   "('rejected', 'dead')"))
    EXPECT_EQ(r[2].value_or("(none)"), detailRule(*parseMessageState(r[0].value_or("")), r[1].value_or("")).value_or("(none)"))
        << r[1].value_or("");
  EXPECT_EQ(detailCounters(*raw_), fullDetailCount(*raw_));
  EXPECT_LT(std::stoll(raw_->query("SELECT COUNT(*) FROM message_detail_counts").at(0).at(0).value_or("0")),
            countersBefore - 8)
      << "reg-c's ten texts are one rule";
  EXPECT_EQ(byRule(*store_), shown) << "the figures shown stay";
}

// Migration 11 during a rolling upgrade: a process of the older release (no
// counting triggers) has a write open on the messages while a new process
// migrates. The write commits once the migration waits for a lock; it must be
// in the first count. Before the fix, PostgreSQL counted first and created the
// triggers after (the write, committed in between, was in neither). SQLite
// takes the write lock for the whole migration: the control that it holds.
TEST_F(MessageCountsTest, Migration11_AWriteOpenDuringTheUpgradeIsCounted) {
  mixedRun();
  store_.reset();
  const bool pg = testing::StoreBackend::isPostgres();
  // Back to version 10, as a store the older release made.
  raw_->script(pg ? "DROP TRIGGER messages_count_insert ON messages; DROP TRIGGER messages_count_update ON messages; "
                    "DROP FUNCTION reghub_count_messages()"
                  : "DROP TRIGGER messages_count_insert; DROP TRIGGER messages_count_update; "
                    "DROP TRIGGER messages_count_delete");
  raw_->script("DROP TABLE message_counts; DROP TABLE message_count_deltas");
  raw_->query("DELETE FROM reghub_schema WHERE version = 11");
  // The older release's write, open.
  auto writer = openDatabase(backend_.url());
  writer->begin();
  writer->query(
      "INSERT INTO messages (registry, kind, idem_key, content_hash, state, attempts, next_at, cpr_hash, "
      "citizen_masked, forloeb_key, kommune, delivery_day, key_id, sealed, created_at, updated_at) VALUES ('reg-a', "
      "'k', 'old-release-1', 'h', 'pending', 0, 1, 'x', '0101**-****', 'f', '0101', '2026-11-01', 'test-k1', 's', 1, "
      "1)");
  std::unique_ptr<DeliveryStore> upgraded;
  std::thread upgrade([&] { upgraded = backend_.open(); });
  // Until the migration waits for the writer (PostgreSQL: a lock on messages
  // not granted; SQLite: the write lock, busy-waited for).
  for (int i = 0; i < 200; ++i) {
    if (pg && std::stoll(raw_->query("SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE "
                                     "NOT l.granted AND c.relname = 'messages' AND c.relnamespace = (SELECT oid FROM "
                                     "pg_namespace WHERE nspname = current_schema())")
                              .at(0)
                              .at(0)
                              .value_or("0")) > 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(pg ? 50 : 3));
  }
  writer->commit();
  upgrade.join();
  ASSERT_TRUE(upgraded);
  EXPECT_EQ(counters(*upgraded), fullCount(*raw_));
}

}  // namespace
}  // namespace reghub::store
