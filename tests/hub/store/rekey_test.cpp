// Key rotation's second half (`reghub rekey`, DeliveryStore::rekey and
// CitizenState::rekey), on SQLite and PostgreSQL: after it, the store opens
// with the new key alone and every message, diagnostic and citizen resource
// still opens; before it, the new key alone is refused (the control); an
// interrupted rekey started again finishes the job.
#include <gtest/gtest.h>

#include "hub/store/citizen_state.h"
#include "hub/store/delivery_store.h"
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

}  // namespace
}  // namespace reghub::store
