// Key rotation's second half (`reghub rekey`, DeliveryStore::rekey and
// CitizenState::rekey), on SQLite and PostgreSQL: after it, the store opens
// with the new key alone and every message, diagnostic and citizen resource
// still opens; before it, the new key alone is refused (the control); an
// interrupted rekey started again finishes the job.
#include <gtest/gtest.h>

#include <set>

#include "hub/store/citizen_state.h"
#include "hub/store/delivery_store.h"
#include "hub/store/intake_queue.h"
#include "hub/store/registry_mirror.h"
#include "hub/store/store_rekey.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

const std::string kOldKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const std::string kNewKey = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2A=";
const std::string kLookup = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=";

std::shared_ptr<const Keyring> ring(const std::string& id, const std::string& key, bool withOld) {
  auto r = std::make_shared<Keyring>(id, key, kLookup);
  if (withOld) r->addRetiredKey("old", kOldKey);
  return r;
}

state::ResourceRecord patientRecord(int i) {
  state::ResourceRecord r;
  r.type = "Patient";
  r.key = "Patient/p" + std::to_string(i);
  r.cpr = testing::sampleMessage(i).citizenCpr;
  r.file = "in.json";
  r.json = R"({"resourceType":"Patient","id":"p)" + std::to_string(i) + R"(","name":[{"family":"Testesen"}]})";
  return r;
}

int64_t rowsUnder(const std::string& url, const std::string& table, const std::string& keyId) {
  auto raw = openDatabase(url);
  return std::stoll(
      raw->query("SELECT COUNT(*) FROM " + table + " WHERE key_id = $1", {keyId}).at(0).at(0).value_or("0"));
}

TEST(Rekey, AfterItTheNewKeyAloneOpensEverythingAndAnInterruptedRunResumes) {
  testing::StoreBackend backend(testing::currentTestName());
  const std::string url = backend.url();
  {
    auto store = DeliveryStore::open({url, ring("old", kOldKey, false)});
    for (int i = 0; i < 7; ++i) store->enqueue(testing::sampleMessage(i), "", 1000);
    diag::Diagnostic d;
    d.registry = "testreg";
    d.severity = diag::Severity::kError;
    d.rule = "TEST-01";
    d.message = "a problem";
    store->recordIngest({"ing-1", 1000, "in", 1, 7, 3, 0, false, "cli:test"}, {d, d, d});
    auto state = CitizenState::open(store->options());
    diag::Collector sink;
    state->merge({patientRecord(1), patientRecord(2)}, 1000, diag::Reporter(sink));
  }
  // Control: the new key alone cannot open the store yet.
  EXPECT_THROW(DeliveryStore::open({url, ring("new", kNewKey, false)}), KeyError);
  {
    auto store = DeliveryStore::open({url, ring("new", kNewKey, true)});
    // Interrupted after one batch of 3 ...
    DeliveryStore::RekeyCursor first;
    EXPECT_EQ(store->rekey(first, 3), 3u);
    EXPECT_FALSE(first.done);
    EXPECT_EQ(rowsUnder(url, "messages", "old"), 4);
    // ... and run again from the start: only what is left is sealed again.
    DeliveryStore::RekeyCursor again;
    size_t resealed = 0;
    while (!again.done) resealed += store->rekey(again, 3);
    EXPECT_EQ(resealed, 4u + 3u);  // the other messages and the diagnostics
    auto state = CitizenState::open(store->options());
    std::string at;
    bool done = false;
    size_t citizens = 0;
    while (!done) citizens += state->rekey(at, done, 1);
    EXPECT_EQ(citizens, 2u);
  }
  EXPECT_EQ(rowsUnder(url, "messages", "old"), 0);
  EXPECT_EQ(rowsUnder(url, "ingest_diagnostics", "old"), 0);
  EXPECT_EQ(rowsUnder(url, "citizen_resources", "old"), 0);
  // The new key alone opens the store and every sealed row.
  auto store = DeliveryStore::open({url, ring("new", kNewKey, false)});
  const auto claimed = store->claim(10, "w", 2000, 60000);
  ASSERT_EQ(claimed.size(), 7u);
  for (const auto& c : claimed) EXPECT_EQ(c.message.body, testing::sampleMessage(static_cast<int>(c.message.idempotencyKey.back() - '0')).body);
  EXPECT_EQ(store->ingestDiagnostics("ing-1").size(), 3u);
  auto state = CitizenState::open(store->options());
  int opened = 0;
  for (const auto& citizen : state->dirtyCitizens(10))
    if (auto held = state->beginRender(citizen, "r", 3000, 60000)) opened += static_cast<int>(held->records.size());
  EXPECT_EQ(opened, 2);
}

// Every table of the schema with a key_id column (a sealed value), found by
// asking the database: a sealed table added later is in this list without
// anyone adding it here.
std::set<std::string> sealedTables(SqlDb& db) {
  std::set<std::string> out;
  const auto rows = db.dialect() == Dialect::kPostgres
                        ? db.query("SELECT table_name FROM information_schema.columns WHERE column_name = 'key_id' "
                                   "AND table_schema = current_schema()")
                        : db.query("SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = "
                                   "'table' AND p.name = 'key_id'");
  for (const auto& r : rows) out.insert(r.at(0).value_or(""));
  return out;
}

int64_t count(SqlDb& db, const std::string& sql) { return std::stoll(db.query(sql).at(0).at(0).value_or("0")); }

delivery::RegistryRecord mirrorRecord(const std::string& id, const std::string& cpr) {
  delivery::RegistryRecord r;
  r.registry = "smdb";
  r.kommune = "0330";
  r.recordId = id;
  r.kind = "ANM";
  r.groupId = "1";
  r.version = 1;
  r.citizenCpr = cpr;
  r.citizenMasked = cpr.substr(0, 4) + "**-****";
  r.fields = {{"PersonNavn", "Testa Testesen"}};
  return r;
}

diag::Diagnostic problem(const std::string& rule) {
  diag::Diagnostic d;
  d.registry = "testreg";
  d.severity = diag::Severity::kError;
  d.rule = rule;
  d.message = "a problem";
  return d;
}

// A row in every sealed table, all under the old key: messages, an ingest's
// diagnostics, a queued ingest's progress (a render group recorded) and its
// posted body, citizen resources, registry records; the canary.
void fillEveryTable(const std::string& url) {
  auto store = DeliveryStore::open({url, ring("old", kOldKey, false)});
  for (int i = 0; i < 5; ++i) store->enqueue(testing::sampleMessage(i), "", 1000);
  store->recordIngest({"ing-1", 1000, "in", 1, 5, 2, 0, false, "cli:test"}, {problem("TEST-01"), problem("TEST-02")});
  auto state = CitizenState::open(store->options());
  diag::Collector sink;
  state->merge({patientRecord(1), patientRecord(2), patientRecord(3)}, 1000, diag::Reporter(sink));
  auto queue = IntakeQueue::open(store->options());
  QueuedIngest q;
  q.id = "ing-2";
  q.source = "http";
  q.contentType = "application/fhir+json";
  q.actor = "intake";
  queue->enqueue(q, R"({"resourceType":"Bundle"})", 1000);
  for (int group = 0; group < 3; ++group) {
    RenderProgress progress{"ing-2", 1, 2, {problem("TEST-1" + std::to_string(group))}};
    state->endRenders({}, "ingest ing-2", &progress);
  }
  auto mirror = RegistryMirror::open(store->options());
  mirror->replace("smdb", "0330", {mirrorRecord("1", patientRecord(1).cpr), mirrorRecord("2", patientRecord(2).cpr)},
                  1000);
}

// Opens and reads every sealed value with the new key alone (each throws
// KeyError on a row still under the old key).
void readEverythingWithTheNewKeyAlone(const std::string& url) {
  auto store = DeliveryStore::open({url, ring("new", kNewKey, false)});
  EXPECT_EQ(store->claim(10, "w", 2000, 60000).size(), 5u);
  EXPECT_EQ(store->ingestDiagnostics("ing-1").size(), 2u);
  const auto progress = store->ingestProgress("ing-2");
  EXPECT_EQ(progress.messages, 6);
  EXPECT_EQ(progress.diagnostics.size(), 3u);
  auto state = CitizenState::open(store->options());
  size_t opened = 0;
  for (const auto& citizen : state->dirtyCitizens(10))
    if (auto held = state->beginRender(citizen, "r", 3000, 60000)) opened += held->records.size();
  EXPECT_EQ(opened, 3u);
  EXPECT_EQ(IntakeQueue::open(store->options())->body("ing-2"), R"({"resourceType":"Bundle"})");
  EXPECT_EQ(RegistryMirror::open(store->options())->forCitizen("smdb", patientRecord(1).cpr).size(), 1u);
}

// Rows of each sealed table under the old key (and that each table has rows at all).
void expectNoneUnderTheOldKey(const std::string& url) {
  auto raw = openDatabase(url);
  const auto tables = sealedTables(*raw);
  EXPECT_GE(tables.size(), 7u);
  for (const std::string& t : tables) {
    EXPECT_GT(count(*raw, "SELECT COUNT(*) FROM " + t), 0) << t << ": fillEveryTable should give it a row";
    EXPECT_EQ(count(*raw, "SELECT COUNT(*) FROM " + t + " WHERE key_id = 'old'"), 0) << t;
  }
}

// The finding: ingest_progress was left under the old key. Every table with
// a sealed column is found from the schema and must hold no row under the
// old key afterwards, and the new key alone opens every value. The control:
// before the rekey, the new key alone fails to open them.
TEST(Rekey, EveryTableWithASealedColumn_IsUnderTheNewKeyAfterIt_AndTheNewKeyAloneReadsEverything) {
  testing::StoreBackend backend(testing::currentTestName());
  const std::string url = backend.url();
  fillEveryTable(url);
  {
    auto raw = openDatabase(url);
    for (const std::string& t : sealedTables(*raw))
      EXPECT_GT(count(*raw, "SELECT COUNT(*) FROM " + t + " WHERE key_id = 'old'"), 0) << t << " (control)";
  }
  EXPECT_THROW(DeliveryStore::open({url, ring("new", kNewKey, false)}), KeyError);
  {
    auto store = DeliveryStore::open({url, ring("new", kNewKey, true)});
    StoreRekey rekey(*store);
    while (rekey.step(2)) {
    }
    EXPECT_EQ(rekey.counts().messagesAndDiagnostics, 5u + 2u + 3u);
    EXPECT_EQ(rekey.counts().citizenResources, 3u);
    EXPECT_EQ(rekey.counts().registryRecords, 2u);
    EXPECT_EQ(rekey.counts().bodyPieces, 1u);
  }
  expectNoneUnderTheOldKey(url);
  readEverythingWithTheNewKeyAlone(url);
}

// Interrupted after k batches (each table has its own cursor; k lands in
// each table in turn, and between two), a new rekey re-seals exactly what is
// left, and the store then opens with the new key alone.
TEST(Rekey, InterruptedInAnyTable_ARunStartedAgainSealsWhatIsLeft) {
  size_t steps = 0;
  {
    testing::StoreBackend backend(testing::currentTestName() + "_all");
    fillEveryTable(backend.url());
    auto store = DeliveryStore::open({backend.url(), ring("new", kNewKey, true)});
    StoreRekey rekey(*store);
    while (rekey.step(1)) ++steps;
  }
  ASSERT_GE(steps, 16u);  // 16 rows, one per batch, and the tables' ends
  for (size_t k = 1; k < steps; k += 3) {
    SCOPED_TRACE("interrupted after " + std::to_string(k) + " batches");
    testing::StoreBackend backend(testing::currentTestName() + "_" + std::to_string(k));
    fillEveryTable(backend.url());
    auto store = DeliveryStore::open({backend.url(), ring("new", kNewKey, true)});
    size_t first = 0;
    {
      StoreRekey rekey(*store);
      for (size_t i = 0; i < k; ++i) rekey.step(1);
      first = rekey.counts().total();
    }
    StoreRekey again(*store);
    while (again.step(1)) {
    }
    EXPECT_EQ(first + again.counts().total(), 16u) << "nothing sealed twice, nothing left";
    store.reset();
    expectNoneUnderTheOldKey(backend.url());
    readEverythingWithTheNewKeyAlone(backend.url());
  }
}

}  // namespace
}  // namespace reghub::store
