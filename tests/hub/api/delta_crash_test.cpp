// A delta ingest killed with SIGKILL half-way (SQLite and PostgreSQL: the
// same file compiled twice) leaves a consistent citizen state: what was
// merged is whole, the citizens it changed are marked dirty, and running the
// same ingest again ends exactly where an ingest that was never killed ends —
// the same messages, nothing lost, nothing twice, no citizen left dirty.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "hub/store/citizen_state.h"
#include "tests/hub/store/store_backend.h"
#include "tests/support/hub_process.h"

namespace reghub::api {
namespace {

const std::string kBin = REGHUB_BINARY;
using testing::spawnHub;
using testing::waitExit;

int ingest(const std::string& url, const std::string& file) { return testing::ingestWith(kBin, url, file); }

// registry + key + content hash of the newest message per key: what the
// registries would get.
std::set<std::string> messages(const std::string& url) {
  std::set<std::string> out;
  auto db = store::openDatabase(url);
  for (const auto& row : db->query(
           "SELECT registry, idem_key, content_hash FROM messages m WHERE id = (SELECT MAX(id) FROM messages x "
           "WHERE x.registry = m.registry AND x.idem_key = m.idem_key)"))
    out.insert(row[0].value_or("") + "|" + row[1].value_or("") + "|" + row[2].value_or(""));
  return out;
}

int64_t heldResources(const std::string& url) {
  auto db = store::openDatabase(url);
  return std::stoll(db->query("SELECT COUNT(*) FROM citizen_resources").at(0).at(0).value_or("0"));
}

TEST(DeltaCrash, Sigkill_DuringADeltaIngestLeavesAConsistentStateAndTheRerunEndsAsIfUnbroken) {
  testing::TempDir dir("reghub-delta-crash");
  const std::string all = (dir.path() / "all.ndjson").string();
  ASSERT_EQ(waitExit(spawnHub({kBin, "synth", "--citizens", "1600", "--seed", "11", "--as-of", "2026-11-01", "--out", all})), 0);
  // Day 1: the first 400 citizens. The delta: everything (400 unchanged, 1200 new).
  const std::string day1 = (dir.path() / "day1.ndjson").string();
  {
    std::ifstream in(all);
    std::ofstream out(day1);
    std::string line;
    for (int i = 0; i < 400 && std::getline(in, line); ++i) out << line << "\n";
  }
  testing::StoreBackend reference("ref_" + testing::currentTestName());
  reference.open();
  testing::StoreBackend crashed("crash_" + testing::currentTestName());
  crashed.open();
  for (const auto* b : {&reference, &crashed}) ASSERT_LE(ingest(b->url(), day1), 1);
  ASSERT_LE(ingest(reference.url(), all), 1);
  const auto want = messages(reference.url());
  ASSERT_GT(want.size(), 1000u);

  const int64_t before = heldResources(crashed.url());
  const pid_t victim = spawnHub({kBin, "ingest", "--store", crashed.url(), "--as-of", "2026-11-01", all});
  ASSERT_GT(victim, 0);
  // Killed once a batch of the delta is merged, long before the end.
  bool merged = false;
  for (int i = 0; i < 20'000 && !merged; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    merged = heldResources(crashed.url()) > before;
  }
  ::kill(victim, SIGKILL);
  ASSERT_EQ(waitExit(victim), 128 + SIGKILL) << "the ingest finished before it could be killed";
  ASSERT_TRUE(merged) << "no batch of the delta was merged before the kill";
  {
    // Whatever is held opens (nothing half-written), and what the kill cut
    // short is marked dirty or already queued.
    auto store = crashed.open();
    auto state = store::CitizenState::open(store->options());
    EXPECT_FALSE(state->dirtyCitizens(10).empty()) << "the merged citizens must wait to be rendered";
  }
  ASSERT_LE(ingest(crashed.url(), all), 1);
  EXPECT_EQ(messages(crashed.url()), want) << "the rerun must end where an unbroken ingest ends";
  auto store = crashed.open();
  EXPECT_TRUE(store::CitizenState::open(store->options())->dirtyCitizens(10).empty());
  EXPECT_EQ(heldResources(crashed.url()), heldResources(reference.url()));
}

// Two intakes touching the same citizen at once: the later render sees both
// changes (the dirty mark and its version check), so no update is lost.
TEST(DeltaConcurrency, TwoIngestsTouchingTheSameCitizenAtOnceLoseNoUpdate) {
  testing::TempDir dir("reghub-delta-concurrent");
  const std::string base = (dir.path() / "base.ndjson").string();
  ASSERT_EQ(waitExit(spawnHub({kBin, "synth", "--citizens", "200", "--seed", "12", "--as-of", "2026-11-01", "--out", base})), 0);
  testing::StoreBackend backend("conc_" + testing::currentTestName());
  backend.open();
  ASSERT_LE(ingest(backend.url(), base), 1);
  std::string patientRef;
  {
    // The first citizen with a forløb (a line that refers to its Patient).
    std::ifstream in(base);
    std::string line;
    size_t at = std::string::npos;
    while (at == std::string::npos && std::getline(in, line)) at = line.find("\"reference\":\"Patient/");
    ASSERT_NE(at, std::string::npos);
    patientRef = line.substr(at + 13, line.find('"', at + 13) - at - 13);
  }
  // Each delta: many other new citizens (so the two runs overlap) and one
  // new forløb for the same citizen.
  std::vector<std::string> deltas;
  for (const char* side : {"a", "b"}) {
    const std::string others = (dir.path() / (std::string(side) + "-others.ndjson")).string();
    ASSERT_EQ(waitExit(spawnHub({kBin, "synth", "--citizens", "300", "--seed", side[0] == 'a' ? "13" : "14", "--as-of",
                              "2026-11-01", "--out", others})),
              0);
    const std::string delta = (dir.path() / (std::string(side) + ".ndjson")).string();
    std::ifstream in(others);
    std::ofstream out(delta);
    out << in.rdbuf();
    out << R"({"resourceType":"EpisodeOfCare","id":"conc-)" << side << R"(","status":"active","patient":{"reference":")"
        << patientRef << R"("}})" << "\n";
    deltas.push_back(delta);
  }
  const pid_t a = spawnHub({kBin, "ingest", "--store", backend.url(), "--as-of", "2026-11-01", deltas[0]});
  const pid_t b = spawnHub({kBin, "ingest", "--store", backend.url(), "--as-of", "2026-11-01", deltas[1]});
  EXPECT_LE(waitExit(a), 1);
  EXPECT_LE(waitExit(b), 1);

  auto store = backend.open();
  auto state = store::CitizenState::open(store->options());
  EXPECT_TRUE(state->dirtyCitizens(10).empty()) << "every change was rendered";
  // The citizen holds both new forløb.
  auto db = store::openDatabase(backend.url());
  const auto citizen = db->query("SELECT citizen FROM citizen_patients WHERE patient = $1",
                                 {testing::testKeyring()->lookupHash(patientRef)});
  ASSERT_EQ(citizen.size(), 1u);
  const auto held = state->beginRender(citizen[0][0].value_or(""), "test", store::nowMillis(), 60'000);
  ASSERT_TRUE(held.has_value());
  std::set<std::string> keys;
  for (const auto& r : held->records) keys.insert(r.key);
  EXPECT_TRUE(keys.count("EpisodeOfCare/conc-a")) << "the first intake's change was lost";
  EXPECT_TRUE(keys.count("EpisodeOfCare/conc-b")) << "the second intake's change was lost";
}

// The same delta sent twice at once (a retrying client): both intakes end
// well, and the store holds what one of them alone would have queued.
TEST(DeltaConcurrency, TheSameDeltaTwiceAtOnceEndsAsOnce) {
  testing::TempDir dir("reghub-delta-twice");
  const std::string delta = (dir.path() / "delta.ndjson").string();
  ASSERT_EQ(waitExit(spawnHub({kBin, "synth", "--citizens", "300", "--seed", "15", "--as-of", "2026-11-01", "--out", delta})), 0);
  testing::StoreBackend reference("ref_" + testing::currentTestName());
  reference.open();
  ASSERT_LE(ingest(reference.url(), delta), 1);
  testing::StoreBackend twice("twice_" + testing::currentTestName());
  twice.open();
  const pid_t a = spawnHub({kBin, "ingest", "--store", twice.url(), "--as-of", "2026-11-01", delta});
  const pid_t b = spawnHub({kBin, "ingest", "--store", twice.url(), "--as-of", "2026-11-01", delta});
  EXPECT_LE(waitExit(a), 1) << "a merge of the same resources at once must not fail";
  EXPECT_LE(waitExit(b), 1);
  EXPECT_EQ(messages(twice.url()), messages(reference.url()));
  EXPECT_EQ(heldResources(twice.url()), heldResources(reference.url()));
  auto store = twice.open();
  EXPECT_TRUE(store::CitizenState::open(store->options())->dirtyCitizens(10).empty());
}

}  // namespace
}  // namespace reghub::api
