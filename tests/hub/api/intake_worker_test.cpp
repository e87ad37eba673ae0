// The intake worker (hub/api/intake_worker.h) over a real store and every
// adapter, on SQLite and PostgreSQL (the same file compiled twice):
// - an ingest that fails every time ends `failed` after intake.maxAttempts,
//   its body kept, visible, and a replay ingests it (control: below the cap
//   it is only tried again);
// - a worker whose lease another worker took stops and records nothing
//   (two workers, an expired lease);
// - an ingest tried again after its first attempt died reports what every
//   attempt queued, as an unbroken ingest of the same body does (the control).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "hub/api/intake.h"
#include "hub/api/intake_worker.h"
#include "hub/api/status_report.h"
#include "hub/engine/adapter_registry.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::api {
namespace {

std::vector<std::shared_ptr<const engine::Adapter>> allAdapters() {
  std::vector<std::shared_ptr<const engine::Adapter>> out;
  for (auto& a : engine::AdapterRegistry::createAll()) out.push_back(std::move(a));
  return out;
}

// `reghub synth` NDJSON of `citizens` (seeded mistakes included: diagnostics to count).
std::string synthBody(int citizens, int seed) {
  testing::TempDir dir("reghub-intake-worker");
  const std::string file = (dir.path() / "in.ndjson").string();
  const std::string cmd = std::string(REGHUB_BINARY) + " synth --citizens " + std::to_string(citizens) +
                          " --seed " + std::to_string(seed) + " --as-of 2026-11-01 --out '" + file + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return {};
  std::ifstream in(file, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

store::QueuedIngest posted(const std::string& id) {
  return {id, "http", "application/fhir+ndjson", "intake1", {}, store::nowMillis(), 0, {}};
}

// One process's intake: its store connection, queue, Intake and worker.
struct Hub {
  explicit Hub(const std::string& url, IntakeQueueOptions options = {})
      : store(store::DeliveryStore::open({url, testing::testKeyring()})),
        queue(store::IntakeQueue::open(store->options())),
        intake(std::make_unique<Intake>(*store, allAdapters())),
        worker(std::make_unique<IntakeWorker>(*queue, *intake, options)) {}
  std::unique_ptr<store::DeliveryStore> store;
  std::unique_ptr<store::IntakeQueue> queue;
  std::unique_ptr<Intake> intake;
  std::unique_ptr<IntakeWorker> worker;
};

class IntakeWorkerTest : public ::testing::Test {
 protected:
  int64_t count(const std::string& sql) { return std::stoll(raw_->query(sql).at(0).at(0).value_or("0")); }
  testing::StoreBackend backend_{testing::currentTestName()};
  std::unique_ptr<store::SqlDb> raw_;
  void SetUp() override {
    backend_.open();  // migrated
    raw_ = store::openDatabase(backend_.url());
  }
};

TEST_F(IntakeWorkerTest, FailingEveryTime_EndsFailedAfterMaxAttempts_BodyKept_AndAReplayIngestsIt) {
  IntakeQueueOptions options;
  options.leaseMillis = 30;
  options.maxAttempts = 3;
  Hub hub(backend_.url(), options);
  const std::string body = synthBody(5, 11);
  ASSERT_FALSE(body.empty());
  hub.queue->enqueue(posted("i-1"), body, store::nowMillis());
  // The piece moved to another place does not open: every attempt throws.
  raw_->query("UPDATE intake_bodies SET seq = 7 WHERE ingest_id = 'i-1'");
  for (int attempt = 1; attempt <= 3; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(40));  // the last attempt's lease runs out
    ASSERT_TRUE(hub.worker->ingestOne()) << "attempt " << attempt;
    // The control: below the cap the ingest is only tried again.
    if (attempt < 3) {
      EXPECT_EQ(hub.store->ingest("i-1")->state, "ingesting") << "attempt " << attempt;
    }
  }
  const auto rec = hub.store->ingest("i-1");
  EXPECT_EQ(rec->state, "failed");
  EXPECT_EQ(rec->attempts, 3);
  EXPECT_NE(rec->failure.find("gave up after 3 attempts"), std::string::npos) << rec->failure;
  EXPECT_NE(ingestJson(*rec).find("\"state\":\"failed\""), std::string::npos) << "at its URL";
  ASSERT_EQ(hub.store->failedIngests().size(), 1u) << "in status";
  EXPECT_NE(statusJson({}, {}, {}, {}, hub.store->failedIngests()).find("\"failedIngests\""), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM intake_bodies WHERE ingest_id = 'i-1'"), 1) << "no data lost";
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_FALSE(hub.worker->ingestOne()) << "a failed ingest is not claimed again";
  // Mended (the piece back in its place) and replayed: ingested.
  raw_->query("UPDATE intake_bodies SET seq = 0 WHERE ingest_id = 'i-1'");
  EXPECT_EQ(hub.queue->replayFailed("i-1"), 1u);
  ASSERT_TRUE(hub.worker->ingestOne());
  EXPECT_EQ(hub.store->ingest("i-1")->state, "done");
  EXPECT_GT(hub.store->ingest("i-1")->messages, 0);
  EXPECT_TRUE(hub.store->failedIngests().empty());
}

// Worker A's lease runs out while it still ingests (a stall), worker B claims
// the ingest and records it; A's next renewal finds the lease B's, and A
// stops without recording — one record, B's.
TEST_F(IntakeWorkerTest, LostLease_TheWorkerStopsAndRecordsNothing_TheOtherRecordsOnce) {
  IntakeQueueOptions options;
  options.leaseMillis = 60;  // A renews every 20 ms
  Hub a(backend_.url(), options);
  Hub b(backend_.url());
  const std::string body = synthBody(600, 12);
  ASSERT_FALSE(body.empty());
  a.queue->enqueue(posted("i-1"), body, store::nowMillis());
  std::thread workerA([&] { a.worker->ingestOne(); });
  std::optional<store::QueuedIngest> claimedByB;
  for (int i = 0; i < 2000 && !claimedByB; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (count("SELECT COUNT(*) FROM ingests WHERE id = 'i-1' AND state = 'ingesting'") == 0) continue;
    raw_->query("UPDATE ingests SET lease_until = 0 WHERE id = 'i-1'");  // A stalled past its lease
    claimedByB = b.queue->claim("worker-b", store::nowMillis(), 600'000);
  }
  ASSERT_TRUE(claimedByB);
  EXPECT_EQ(claimedByB->attempt, 2);
  const IntakeResult r = b.intake->ingestQueued(*claimedByB, b.queue->body("i-1"));
  workerA.join();
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit WHERE action = 'ingest'"), 1) << "recorded once, by B";
  const auto rec = b.store->ingest("i-1");
  EXPECT_EQ(rec->state, "done");
  EXPECT_EQ(rec->messages, static_cast<int64_t>(r.queued));
  EXPECT_EQ(rec->messages, count("SELECT COUNT(*) FROM messages")) << "what A queued before it stopped, too";
  EXPECT_EQ(count("SELECT COUNT(*) FROM intake_bodies"), 0);
}

// Attempt 1 stops at one of its last lease checks (as if killed there:
// nothing more of it commits), its lease runs out, attempt 2 finishes. The
// report must be that of an unbroken ingest of the same body (the control,
// into a store of its own).
void expectRetriedReportIsWhole(testing::StoreBackend& backend, const std::string& controlUrl, int checksLeft) {
  const std::string body = synthBody(300, 13);
  ASSERT_FALSE(body.empty());
  // The control: never broken.
  store::IngestRecord whole;
  int checks = 0;
  {
    Hub control(controlUrl);
    control.queue->enqueue(posted("i-1"), body, store::nowMillis());
    const auto q = control.queue->claim("w0", store::nowMillis(), 600'000);
    ASSERT_TRUE(q);
    control.intake->ingestQueued(*q, body, [&checks] { return ++checks > 0; });
    whole = *control.store->ingest("i-1");
    ASSERT_GT(whole.messages, 100);
  }
  // The checks come before each merge batch, before each render group and
  // before the record: 0 left stops before the record, 1 before the last group.
  const int stopAt = checks - checksLeft;
  ASSERT_GT(stopAt, 2);
  Hub hub(backend.url());
  hub.queue->enqueue(posted("i-1"), body, store::nowMillis());
  const auto first = hub.queue->claim("w1", store::nowMillis(), 20);
  ASSERT_TRUE(first);
  int seen = 0;
  EXPECT_THROW(hub.intake->ingestQueued(*first, body, [&] { return ++seen < stopAt; }), LeaseLost);
  EXPECT_EQ(hub.store->ingest("i-1")->state, "ingesting") << "attempt 1 recorded nothing";
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const auto second = hub.queue->claim("w2", store::nowMillis(), 600'000);
  ASSERT_TRUE(second);
  hub.intake->ingestQueued(*second, body);
  const auto rec = *hub.store->ingest("i-1");
  EXPECT_EQ(rec.state, "done");
  EXPECT_EQ(rec.messages, whole.messages);
  EXPECT_EQ(rec.citizens, whole.citizens);
  EXPECT_EQ(rec.errors, whole.errors);
  EXPECT_EQ(rec.warnings, whole.warnings);
  EXPECT_EQ(hub.store->ingestDiagnostics("i-1").size(), Hub(controlUrl).store->ingestDiagnostics("i-1").size());
  auto raw = store::openDatabase(backend.url());
  EXPECT_EQ(std::stoll(raw->query("SELECT COUNT(*) FROM messages").at(0).at(0).value_or("0")), whole.messages)
      << "queued once";
  EXPECT_EQ(std::stoll(raw->query("SELECT COUNT(*) FROM ingest_progress").at(0).at(0).value_or("0")), 0);
}

TEST_F(IntakeWorkerTest, Retry_AfterEverythingWasRenderedButNotRecorded_ReportsTheWholeIngest) {
  testing::StoreBackend control("IntakeWorkerControl_0");
  control.open();
  expectRetriedReportIsWhole(backend_, control.url(), 0);
}

TEST_F(IntakeWorkerTest, Retry_AfterAStopBeforeTheLastRenderGroup_ReportsTheWholeIngest) {
  testing::StoreBackend control("IntakeWorkerControl_1");
  control.open();
  expectRetriedReportIsWhole(backend_, control.url(), 1);
}

// The open finding of AsyncIntakeKill (a kill mid-render left the report one
// render group short): attempt 1 queued its last group's messages and died
// before the transaction that records the group and clears its marks — made
// here exactly: attempt 1 runs to its record, then that group's progress row
// is deleted and its citizens are dirty and unrendered again, as the kill
// left them. The retry's adapters skipped those messages as sent before (the
// prior delivery was the ingest's own), so nothing counted them. The report
// must be that of an unbroken ingest (the control).
TEST_F(IntakeWorkerTest, Retry_AfterAKillBetweenQueueingAGroupAndRecordingIt_ReportsTheWholeIngest) {
  const std::string body = synthBody(300, 13);
  ASSERT_FALSE(body.empty());
  testing::StoreBackend control("IntakeWorkerControl_2");
  control.open();
  store::IngestRecord whole;
  int checks = 0, total = 0;  // the lease checks of an unbroken attempt: the last is before the record
  {
    Hub hub(control.url());
    hub.queue->enqueue(posted("i-1"), body, store::nowMillis());
    const auto q = hub.queue->claim("w0", store::nowMillis(), 600'000);
    ASSERT_TRUE(q);
    hub.intake->ingestQueued(*q, body, [&total] { return ++total > 0; });
    whole = *hub.store->ingest("i-1");
  }
  Hub hub(backend_.url());
  hub.queue->enqueue(posted("i-1"), body, store::nowMillis());
  const auto first = hub.queue->claim("w1", store::nowMillis(), 20);
  ASSERT_TRUE(first);
  EXPECT_THROW(hub.intake->ingestQueued(*first, body, [&] { return ++checks < total; }), LeaseLost);
  ASSERT_EQ(count("SELECT COUNT(*) FROM citizens WHERE dirty = 1"), 0) << "every group recorded";
  const int64_t lastGroup = count("SELECT citizens FROM ingest_progress WHERE id = (SELECT MAX(id) FROM ingest_progress)");
  raw_->query("DELETE FROM ingest_progress WHERE id = (SELECT MAX(id) FROM ingest_progress)");
  raw_->query("UPDATE citizens SET dirty = 1, rendered_at = 0 WHERE rendered_at = (SELECT MAX(rendered_at) FROM citizens)");
  ASSERT_GT(lastGroup, 0);
  ASSERT_EQ(count("SELECT COUNT(*) FROM citizens WHERE dirty = 1"), lastGroup) << "the last group's citizens, as the kill left them";
  const int64_t queuedBefore = count("SELECT COUNT(*) FROM messages");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const auto second = hub.queue->claim("w2", store::nowMillis(), 600'000);
  ASSERT_TRUE(second);
  hub.intake->ingestQueued(*second, body);
  const auto rec = *hub.store->ingest("i-1");
  EXPECT_EQ(rec.state, "done");
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), queuedBefore) << "nothing queued twice";
  EXPECT_EQ(rec.messages, whole.messages);
  EXPECT_EQ(rec.citizens, whole.citizens);
  EXPECT_EQ(rec.errors, whole.errors);
  EXPECT_EQ(rec.warnings, whole.warnings);
}

// What the report says, as (rule, message) pairs in any order.
std::multiset<std::pair<std::string, std::string>> notes(const std::vector<diag::Diagnostic>& all) {
  std::multiset<std::pair<std::string, std::string>> out;
  for (const auto& d : all) out.emplace(d.rule, d.message);
  return out;
}

// A delta whose merge says something: a Patient held already in another
// version (HUB-INGEST-13, it replaces it) and a forløb whose Patient the hub
// has not received (HUB-STATE-01, parked). `held` is what the store holds first.
struct MergeNotices {
  std::string held, delta;
};
MergeNotices mergeNoticesBodies() {
  MergeNotices out;
  out.held = synthBody(4, 17);
  out.delta = out.held;
  const size_t active = out.delta.find("\"active\":true");
  if (active != std::string::npos) out.delta.replace(active, 13, "\"active\":false");
  out.delta +=
      "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"urn:uuid:"
      "5d1f7c2e-0000-4000-8000-00000000e0c1\",\"resource\":{\"resourceType\":\"EpisodeOfCare\",\"id\":"
      "\"5d1f7c2e-0000-4000-8000-00000000e0c1\",\"status\":\"active\",\"patient\":{\"reference\":"
      "\"Patient/5d1f7c2e-0000-4000-8000-0000000000aa\"}}}]}\n";
  return out;
}

// The finding (HUB-STATE-01 / HUB-INGEST-13 lost): attempt 1 merged the
// delta and stopped before its first render group (as if killed there); the
// retry's merge finds everything merged and says nothing. The report after
// the retry must hold every diagnostic of an unbroken ingest of the same
// delta into the same held state (the control, a store of its own).
TEST_F(IntakeWorkerTest, Retry_AfterTheMerge_KeepsTheFirstAttemptsMergeNotices) {
  const MergeNotices bodies = mergeNoticesBodies();
  ASSERT_FALSE(bodies.held.empty());
  ASSERT_NE(bodies.delta.find("\"active\":false"), std::string::npos);
  testing::StoreBackend controlBackend("IntakeWorkerControl_merge");
  controlBackend.open();
  std::multiset<std::pair<std::string, std::string>> whole;
  {
    Hub control(controlBackend.url());
    control.intake->ingestBuffer("held.ndjson", bodies.held, "application/fhir+ndjson");
    control.queue->enqueue(posted("i-1"), bodies.delta, store::nowMillis());
    const auto q = control.queue->claim("w0", store::nowMillis(), 600'000);
    ASSERT_TRUE(q);
    control.intake->ingestQueued(*q, bodies.delta);
    whole = notes(control.store->ingestDiagnostics("i-1"));
  }
  const auto has = [](const auto& set, const std::string& rule) {
    return std::any_of(set.begin(), set.end(), [&](const auto& n) { return n.first == rule; });
  };
  ASSERT_TRUE(has(whole, "HUB-STATE-01")) << "the delta parks a forløb";
  ASSERT_TRUE(has(whole, "HUB-INGEST-13")) << "the delta replaces a held Patient";

  Hub hub(backend_.url());
  hub.intake->ingestBuffer("held.ndjson", bodies.held, "application/fhir+ndjson");
  hub.queue->enqueue(posted("i-1"), bodies.delta, store::nowMillis());
  const auto first = hub.queue->claim("w1", store::nowMillis(), 20);
  ASSERT_TRUE(first);
  int checks = 0;  // 1: before the one merge batch; 2: before the first render group
  EXPECT_THROW(hub.intake->ingestQueued(*first, bodies.delta, [&] { return ++checks < 2; }), LeaseLost);
  ASSERT_EQ(count("SELECT COUNT(*) FROM citizens WHERE dirty = 1"), 1) << "merged, not rendered";
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const auto second = hub.queue->claim("w2", store::nowMillis(), 600'000);
  ASSERT_TRUE(second);
  hub.intake->ingestQueued(*second, bodies.delta);
  EXPECT_EQ(hub.store->ingest("i-1")->state, "done");
  EXPECT_EQ(notes(hub.store->ingestDiagnostics("i-1")), whole);
}

}  // namespace
}  // namespace reghub::api
