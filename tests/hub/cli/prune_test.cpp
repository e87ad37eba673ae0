// `reghub prune` (retention): what it removes is gone from the store file's
// bytes, what it keeps is still there. Names and CPR numbers are never in
// the file in plain text (sealed at rest; checked too), so the byte search
// looks for what would carry them: the old message's sealed value and its
// CPR lookup hash — with a control that the same search finds them before
// the prune, and finds a young message's after it.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hub/store/citizen_state.h"
#include "hub/store/delivery_store.h"
#include "hub/store/intake_queue.h"
#include "tests/support/store_test_support.h"

namespace reghub::store {
namespace {

namespace fs = std::filesystem;

const std::string kEnv =
    "REGHUB_STORE_KEY=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA= "
    "REGHUB_STORE_LOOKUP_KEY=ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A= REGHUB_STORE_KEY_ID=test-k1";
constexpr int64_t kDay = 86'400'000;

// The store's bytes on disk: the database file and its WAL.
std::string fileBytes(const fs::path& db) {
  std::string out;
  for (const fs::path& p : {db, fs::path(db.string() + "-wal")}) {
    std::ifstream in(p, std::ios::binary);
    out.append((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  return out;
}

struct Row {
  std::string sealed, cprHash;
};

Row rowOf(SqlDb& db, int64_t id) {
  const auto r = db.query("SELECT sealed, cpr_hash FROM messages WHERE id = $1", {id}).at(0);
  return {r.at(0).value_or(""), r.at(1).value_or("")};
}

// A message accepted at `at`.
int64_t accepted(DeliveryStore& store, int i, int64_t at) {
  store.enqueue(testing::sampleMessage(i, "smdb"), "", at - 1000);
  auto claimed = store.claim(1, "w", at - 500, 60'000, "smdb");
  EXPECT_EQ(claimed.size(), 1u);
  AttemptOutcome o;
  o.next = MessageState::kAccepted;
  o.httpStatus = 200;
  o.registryId = "R-" + std::to_string(i);
  EXPECT_TRUE(store.complete(claimed.at(0), "w", o, at));
  return claimed.at(0).id;
}

TEST(Prune, PersonalDataOfOldAcceptedMessagesLeavesTheFileYoungOnesStay) {
  testing::TempDir dir("reghub-prune");
  const fs::path db = dir.path() / "store.db";
  const std::string url = "sqlite:" + db.string();
  const int64_t now = nowMillis();
  int64_t oldId = 0, youngId = 0;
  Row old, young;
  {
    auto store = DeliveryStore::open({url, testing::testKeyring()});
    oldId = accepted(*store, 1, now - 400 * kDay);
    youngId = accepted(*store, 2, now - 10 * kDay);
    auto raw = openDatabase(url);
    old = rowOf(*raw, oldId);
    young = rowOf(*raw, youngId);
  }
  const std::string before = fileBytes(db);
  // Controls: the search finds the sealed values and hashes where they are.
  ASSERT_NE(before.find(old.sealed.substr(0, 60)), std::string::npos);
  ASSERT_NE(before.find(old.cprHash), std::string::npos);
  ASSERT_NE(before.find(young.sealed.substr(0, 60)), std::string::npos);
  // Never in plain text (sealed at rest).
  const auto m = testing::sampleMessage(1, "smdb");
  EXPECT_EQ(before.find(m.citizenCpr), std::string::npos);
  EXPECT_EQ(before.find("Testesen"), std::string::npos);

  const std::string cfg = (dir.path() / "reghub.properties").string();
  std::ofstream(cfg) << "store.url = " << url << "\nretention.smdb.days = 365\n";
  const std::string out = (dir.path() / "out.txt").string();
  ASSERT_EQ(std::system((kEnv + " " + REGHUB_BINARY + " prune --config " + cfg + " > " + out + " 2>&1").c_str()), 0)
      << std::ifstream(out).rdbuf();

  const std::string after = fileBytes(db);
  EXPECT_EQ(after.find(old.sealed.substr(0, 60)), std::string::npos) << "the old message's sealed data";
  EXPECT_EQ(after.find(old.cprHash), std::string::npos) << "the old message's CPR hash";
  EXPECT_NE(after.find(young.sealed.substr(0, 60)), std::string::npos) << "a young message keeps its data";
  auto store = DeliveryStore::open({url, testing::testKeyring()});
  EXPECT_EQ(store->stateOf(oldId), MessageState::kAccepted);  // the counts stay
  EXPECT_EQ(store->counts().at(0).count, 2);
  EXPECT_EQ(store->registryId("key-1").value_or(""), "R-1");  // a later update still knows the registry's id
  EXPECT_TRUE(store->historyForCpr(m.citizenCpr).empty());
  EXPECT_FALSE(store->historyForCpr(testing::sampleMessage(2, "smdb").citizenCpr).empty());
  const auto trail = store->audit();
  ASSERT_FALSE(trail.empty());
  EXPECT_EQ(trail.back().action, "prune");
  EXPECT_NE(trail.back().detail.find("personal data of 1 messages removed"), std::string::npos) << trail.back().detail;
}

TEST(Prune, WithoutRetentionNothingIsPruned) {
  testing::TempDir dir("reghub-prune");
  const std::string url = "sqlite:" + (dir.path() / "store.db").string();
  int64_t id = 0;
  {
    auto store = DeliveryStore::open({url, testing::testKeyring()});
    id = accepted(*store, 1, nowMillis() - 4000 * kDay);
  }
  ASSERT_EQ(std::system((kEnv + " " + REGHUB_BINARY + " prune --store " + url + " > /dev/null 2>&1").c_str()), 0);
  auto raw = openDatabase(url);
  EXPECT_NE(rowOf(*raw, id).cprHash, "pruned");
}

// retention.citizenStateDays as an operator sets it: the inbound state of a
// citizen unchanged that long (its messages accepted) leaves the file's
// bytes; a citizen changed since keeps it; the audit trail says so.
TEST(Prune, CitizenStateUnchangedForTheRetentionLeavesTheFile) {
  testing::TempDir dir("reghub-prune");
  const fs::path db = dir.path() / "store.db";
  const std::string url = "sqlite:" + db.string();
  const int64_t now = nowMillis();
  std::string oldSealed, youngSealed;
  {
    auto store = DeliveryStore::open({url, testing::testKeyring()});
    auto state = CitizenState::open(store->options());
    diag::Collector diags;
    const auto patient = [](const std::string& id, const std::string& cpr) {
      state::ResourceRecord r;
      r.type = "Patient";
      r.key = "Patient/" + id;
      r.cpr = cpr;
      r.json = R"({"resourceType":"Patient","id":")" + id + R"(","name":[{"family":"Testesen"}]})";
      return r;
    };
    for (const auto& [id, at] : {std::pair<std::string, int64_t>{"p1", now - 400 * kDay}, {"p2", now - 10 * kDay}}) {
      const auto merged = state->merge({patient(id, testing::syntheticCpr(id == "p1" ? 1 : 2))}, at,
                                       diag::Reporter(diags));
      const std::string citizen = *merged.touched.begin();
      auto held = state->beginRender(citizen, "test", at, 60'000);
      ASSERT_TRUE(held);
      state->endRender(citizen, "test", held->version, held->readAt);
    }
    auto raw = openDatabase(url);
    const auto rows = raw->query("SELECT sealed FROM citizen_resources ORDER BY received_at");
    ASSERT_EQ(rows.size(), 2u);
    oldSealed = rows[0][0].value_or("");
    youngSealed = rows[1][0].value_or("");
  }
  ASSERT_NE(fileBytes(db).find(oldSealed.substr(0, 60)), std::string::npos);  // the control
  const std::string cfg = (dir.path() / "reghub.properties").string();
  std::ofstream(cfg) << "store.url = " << url << "\nretention.citizenStateDays = 365\n";
  const std::string out = (dir.path() / "out.txt").string();
  ASSERT_EQ(std::system((kEnv + " " + REGHUB_BINARY + " prune --config " + cfg + " > " + out + " 2>&1").c_str()), 0)
      << std::ifstream(out).rdbuf();
  const std::string after = fileBytes(db);
  EXPECT_EQ(after.find(oldSealed.substr(0, 60)), std::string::npos) << "the old citizen's sealed Patient";
  EXPECT_NE(after.find(youngSealed.substr(0, 60)), std::string::npos) << "a citizen changed since keeps it";
  auto store = DeliveryStore::open({url, testing::testKeyring()});
  ASSERT_FALSE(store->audit().empty());
  EXPECT_NE(store->audit().back().detail.find("citizen state: 1 citizens'"), std::string::npos)
      << store->audit().back().detail;
}

// A posted ingest that failed (cap 1, its worker's lease out), posted at `at`.
void failedIngest(IntakeQueue& queue, const std::string& id, int64_t at) {
  QueuedIngest q;
  q.id = id;
  q.source = "http";
  q.contentType = "application/fhir+json";
  q.actor = "intake";
  queue.enqueue(q, "{\"resourceType\":\"Bundle\",\"id\":\"" + id + "\"}", at);
  ASSERT_TRUE(queue.claim("w", at + 1, 10, 1));
  EXPECT_FALSE(queue.claim("w", at + 100, 10, 1));
}

int exitOf(const std::string& command) {
  const int status = std::system((kEnv + " " + REGHUB_BINARY + " " + command + " > /dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// retention.failedIngestDays as an operator sets it: a failed ingest posted
// longer ago is discarded and its sealed body leaves the file's bytes; a
// younger failed one keeps it (the control). The audit trail says so.
TEST(Prune, FailedIngestsPostedLongerAgoAreDiscarded_TheirBodiesLeaveTheFile) {
  testing::TempDir dir("reghub-prune");
  const fs::path db = dir.path() / "store.db";
  const std::string url = "sqlite:" + db.string();
  const int64_t now = nowMillis();
  std::string oldSealed, youngSealed;
  {
    auto store = DeliveryStore::open({url, testing::testKeyring()});
    auto queue = IntakeQueue::open(store->options());
    failedIngest(*queue, "old", now - 40 * kDay);
    failedIngest(*queue, "young", now - kDay);
    auto raw = openDatabase(url);
    oldSealed = raw->query("SELECT sealed FROM intake_bodies WHERE ingest_id = 'old'").at(0).at(0).value_or("");
    youngSealed = raw->query("SELECT sealed FROM intake_bodies WHERE ingest_id = 'young'").at(0).at(0).value_or("");
  }
  ASSERT_NE(fileBytes(db).find(oldSealed.substr(0, 60)), std::string::npos);  // the control
  const std::string cfg = (dir.path() / "reghub.properties").string();
  std::ofstream(cfg) << "store.url = " << url << "\nretention.failedIngestDays = 30\n";
  ASSERT_EQ(exitOf("prune --config " + cfg), 0);
  const std::string after = fileBytes(db);
  EXPECT_EQ(after.find(oldSealed.substr(0, 60)), std::string::npos) << "the old failed ingest's body";
  EXPECT_NE(after.find(youngSealed.substr(0, 60)), std::string::npos) << "a younger one keeps it";
  auto store = DeliveryStore::open({url, testing::testKeyring()});
  EXPECT_EQ(store->ingest("old")->state, "discarded");
  EXPECT_EQ(store->ingest("young")->state, "failed");
  EXPECT_NE(store->audit().back().detail.find("1 discarded"), std::string::npos) << store->audit().back().detail;
}

// `reghub replay --discard-ingest ID`: 0 when it gave a failed ingest up
// (the body deleted, an audit entry); 2 (usage, CONTRACT §3) when ID names
// no failed ingest — unknown, already discarded, or queued — and nothing changes.
TEST(ReplayDiscard, AFailedIngestIsDiscardedOnce_AnythingElseIsAUsageError) {
  testing::TempDir dir("reghub-discard");
  const std::string url = "sqlite:" + (dir.path() / "store.db").string();
  {
    auto store = DeliveryStore::open({url, testing::testKeyring()});
    auto queue = IntakeQueue::open(store->options());
    failedIngest(*queue, "i-1", nowMillis() - 1000);
    QueuedIngest waiting;
    waiting.id = "i-2";
    waiting.source = "http";
    queue->enqueue(waiting, "queued", nowMillis());
  }
  EXPECT_EQ(exitOf("replay --store " + url + " --discard-ingest nope"), 2);
  EXPECT_EQ(exitOf("replay --store " + url + " --discard-ingest i-2"), 2) << "queued, not failed";
  EXPECT_EQ(exitOf("replay --store " + url + " --discard-ingest i-1 --state dead"), 2);
  {
    auto store = DeliveryStore::open({url, testing::testKeyring()});
    EXPECT_EQ(store->ingest("i-1")->state, "failed") << "nothing changed yet";
  }
  EXPECT_EQ(exitOf("replay --store " + url + " --discard-ingest i-1"), 0);
  EXPECT_EQ(exitOf("replay --store " + url + " --discard-ingest i-1"), 2) << "once";
  auto store = DeliveryStore::open({url, testing::testKeyring()});
  EXPECT_EQ(store->ingest("i-1")->state, "discarded");
  EXPECT_EQ(store->ingest("i-2")->state, "queued");
  auto raw = openDatabase(url);
  EXPECT_EQ(raw->query("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-1'").at(0).at(0).value_or(""), "0");
  EXPECT_EQ(store->audit().back().action, "discard");
}

}  // namespace
}  // namespace reghub::store
