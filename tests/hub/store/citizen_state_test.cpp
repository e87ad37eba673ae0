// The store's citizen state (hub/store/citizen_state.h), run on SQLite and on
// PostgreSQL (the same file compiled twice): deltas join what came before,
// versions, parked resources and their expiry, dirty citizens and the render
// lease, and nothing personal in clear in the tables. CPRs are synthetic.
#include <gtest/gtest.h>

#include "hub/store/citizen_state.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

using state::ResourceRecord;
using testing::StoreBackend;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'780'000'000'000;  // a fixed clock (2026-05-28)

ResourceRecord record(const std::string& type, const std::string& id, const std::string& patient = {},
                      const std::string& parent = {}, const std::string& lastUpdated = {}) {
  ResourceRecord r;
  r.type = type;
  r.key = type + "/" + id;
  r.patientKey = patient;
  if (!parent.empty()) r.parentKeys = {parent};
  r.lastUpdated = lastUpdated;
  r.file = "day.json";
  r.json = R"({"resourceType":")" + type + R"(","id":")" + id + R"(","lastUpdated":")" + lastUpdated + R"("})";
  return r;
}

ResourceRecord patient(const std::string& id, const std::string& cpr, const std::string& lastUpdated = {}) {
  ResourceRecord r = record("Patient", id, {}, {}, lastUpdated);
  r.cpr = cpr;
  r.json = R"({"resourceType":"Patient","id":")" + id + R"(","identifier":[{"value":")" + cpr +
           R"("}],"name":[{"family":"Testesen"}],"v":")" + lastUpdated + R"("})";
  return r;
}

class CitizenStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<StoreBackend>(testing::currentTestName());
    store_ = backend_->open();  // migrates
    state_ = CitizenState::open(store_->options());
  }
  MergeResult merge(const std::vector<ResourceRecord>& batch, int64_t now = kT0) {
    return state_->merge(batch, now, diag::Reporter(diags_));
  }
  size_t rule(const std::string& r) const {
    size_t n = 0;
    for (const auto& d : diags_.diagnostics()) n += d.rule == r;
    return n;
  }
  std::set<std::string> keysOf(const std::string& citizen) {
    auto held = state_->beginRender(citizen, "test", kT0, 60'000);
    EXPECT_TRUE(held.has_value());
    std::set<std::string> keys;
    if (!held) return keys;
    for (const auto& r : held->records) keys.insert(r.key);
    state_->endRender(citizen, "test", held->version, held->readAt);
    return keys;
  }
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<DeliveryStore> store_;
  std::unique_ptr<CitizenState> state_;
  diag::Collector diags_;
};

TEST_F(CitizenStateTest, Delta_SkemaOnALaterDayJoinsTheCitizenOfItsPatient) {
  const auto day1 = merge({patient("p1", "0101901235"), record("EpisodeOfCare", "e1", "Patient/p1")});
  ASSERT_EQ(day1.touched.size(), 1u);
  const std::string citizen = *day1.touched.begin();
  const auto day2 = merge({record("QuestionnaireResponse", "q1", "Patient/p1", "EpisodeOfCare/e1")}, kT0 + kDay);
  EXPECT_EQ(day2.touched, day1.touched);
  EXPECT_EQ(keysOf(citizen),
            (std::set<std::string>{"Patient/p1", "EpisodeOfCare/e1", "QuestionnaireResponse/q1"}));
}

TEST_F(CitizenStateTest, Citizen_TwoPatientsWithTheSameCprAreOneCitizen) {
  const auto a = merge({patient("a", "0101901235"), record("EpisodeOfCare", "ea", "Patient/a")});
  const auto b = merge({patient("b", "0101901235"), record("EpisodeOfCare", "eb", "Patient/b")});
  EXPECT_EQ(a.touched, b.touched);
  EXPECT_EQ(keysOf(*a.touched.begin()).size(), 4u);
  const auto other = merge({patient("c", "0202901234")});
  EXPECT_NE(other.touched, a.touched);
}

TEST_F(CitizenStateTest, Parked_ResourceBeforeItsPatientWaitsAndJoinsWhenThePatientArrives_HUB_STATE_01) {
  const auto early = merge({record("EpisodeOfCare", "e1", "Patient/p1"),
                            record("QuestionnaireResponse", "q0", "", "EpisodeOfCare/e1")});
  EXPECT_TRUE(early.touched.empty());
  EXPECT_EQ(early.parked, 2u);
  EXPECT_EQ(rule("HUB-STATE-01"), 2u);
  EXPECT_EQ(state_->parkedCount(), 2);
  const auto waiting = state_->parked(kT0, 7 * kDay);
  ASSERT_EQ(waiting.size(), 2u);
  EXPECT_EQ(waiting[0].type, "EpisodeOfCare");
  EXPECT_FALSE(waiting[0].expired);

  const auto arrived = merge({patient("p1", "0101901235")}, kT0 + kDay);
  ASSERT_EQ(arrived.touched.size(), 1u);
  EXPECT_EQ(arrived.joined, 2u);  // the forløb, and the skema that names no Patient through it
  EXPECT_EQ(state_->parkedCount(), 0);
  EXPECT_EQ(keysOf(*arrived.touched.begin()).size(), 3u);
}

// A merge asks whether anything parked can join only while something is
// parked (before the merge, or by the merge itself): both ways must join.
TEST_F(CitizenStateTest, Parked_AChildParkedEarlierInTheSameBatchJoinsWhenItsForloebComesLaterInIt) {
  const auto r = merge({record("QuestionnaireResponse", "q0", "", "EpisodeOfCare/e1"), patient("p1", "0101901235"),
                        record("EpisodeOfCare", "e1", "Patient/p1")});
  EXPECT_EQ(r.parked, 1u);
  EXPECT_EQ(r.joined, 1u);
  EXPECT_EQ(state_->parkedCount(), 0);
  ASSERT_EQ(r.touched.size(), 1u);
  EXPECT_EQ(keysOf(*r.touched.begin()),
            (std::set<std::string>{"Patient/p1", "EpisodeOfCare/e1", "QuestionnaireResponse/q0"}));
}

TEST_F(CitizenStateTest, Parked_AChildParkedInAnEarlierBatchJoinsWhenItsForloebArrives) {
  const auto day1 = merge({patient("p1", "0101901235")});
  const auto day2 = merge({record("QuestionnaireResponse", "q0", "", "EpisodeOfCare/e1")}, kT0 + kDay);
  EXPECT_EQ(day2.parked, 1u);
  const auto day3 = merge({record("EpisodeOfCare", "e1", "Patient/p1")}, kT0 + 2 * kDay);
  EXPECT_EQ(day3.joined, 1u);
  EXPECT_EQ(state_->parkedCount(), 0);
  EXPECT_EQ(keysOf(*day1.touched.begin()).size(), 3u);
  // The control: with nothing parked, a forløb joins nothing and parks nothing.
  const auto day4 = merge({record("EpisodeOfCare", "e2", "Patient/p1")}, kT0 + 3 * kDay);
  EXPECT_EQ(day4.joined, 0u);
  EXPECT_EQ(day4.parked, 0u);
}

// A Patient re-pointed to another citizen (its CPR corrected) in a batch:
// the batch's later resources of that Patient join the citizen it now has.
TEST_F(CitizenStateTest, Citizen_ResourcesAfterARepointedPatientInOneBatchJoinItsNewCitizen) {
  const auto before = merge({patient("p1", "0101901235", "2026-05-01T00:00:00Z")});
  const auto after = merge({patient("p1", "0202901234", "2026-05-02T00:00:00Z"), record("EpisodeOfCare", "e1", "Patient/p1")},
                           kT0 + kDay);
  ASSERT_EQ(before.touched.size(), 1u);
  std::set<std::string> now = after.touched;
  now.erase(*before.touched.begin());
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(keysOf(*now.begin()), (std::set<std::string>{"Patient/p1", "EpisodeOfCare/e1"}));
}

TEST_F(CitizenStateTest, Parked_ExpiresIntoHubRef01AfterTheConfiguredTime) {
  merge({record("Encounter", "k1", "Patient/never")});
  EXPECT_FALSE(state_->parked(kT0 + 6 * kDay, 7 * kDay).at(0).expired);
  EXPECT_TRUE(state_->parked(kT0 + 8 * kDay, 7 * kDay).at(0).expired);
  EXPECT_FALSE(state_->parked(kT0 + 8 * kDay, 30 * kDay).at(0).expired) << "the time is a setting";
}

TEST_F(CitizenStateTest, Versions_OlderIgnoredUnchangedResendTouchesNothingNewerReplaces_HUB_INGEST_13) {
  merge({patient("p1", "0101901235"), record("EpisodeOfCare", "e1", "Patient/p1", "", "2026-05-02T10:00:00Z")});
  const auto older = merge({record("EpisodeOfCare", "e1", "Patient/p1", "", "2026-05-01T10:00:00Z")});
  EXPECT_EQ(older.olderIgnored, 1u);
  EXPECT_TRUE(older.touched.empty());
  EXPECT_EQ(rule("HUB-INGEST-13"), 1u);
  const auto same = merge({patient("p1", "0101901235"), record("EpisodeOfCare", "e1", "Patient/p1", "", "2026-05-02T10:00:00Z")});
  EXPECT_EQ(same.unchanged, 2u);
  EXPECT_TRUE(same.touched.empty()) << "a re-send of the same content changes nothing";
  const auto newer = merge({record("EpisodeOfCare", "e1", "Patient/p1", "", "2026-05-03T10:00:00Z")});
  EXPECT_EQ(newer.replaced, 1u);
  EXPECT_EQ(newer.touched.size(), 1u);
}

TEST_F(CitizenStateTest, Dirty_ClearedByARenderOfTheLatestVersionKeptWhenAMergeCameMeanwhile) {
  const auto m = merge({patient("p1", "0101901235")});
  const std::string c = *m.touched.begin();
  EXPECT_EQ(state_->dirtyCitizens(10), std::vector<std::string>{c});
  auto held = state_->beginRender(c, "r1", kT0, 60'000);
  ASSERT_TRUE(held);
  merge({record("EpisodeOfCare", "e1", "Patient/p1")});  // arrives while r1 renders
  EXPECT_TRUE(state_->endRender(c, "r1", held->version, held->readAt)) << "the newer merge keeps it dirty";
  held = state_->beginRender(c, "r1", kT0, 60'000);
  ASSERT_TRUE(held);
  EXPECT_FALSE(state_->endRender(c, "r1", held->version, held->readAt));
  EXPECT_TRUE(state_->dirtyCitizens(10).empty());
}

TEST_F(CitizenStateTest, Lease_OneRendererAtATimeUntilTheLeaseRunsOut) {
  const std::string c = *merge({patient("p1", "0101901235")}).touched.begin();
  ASSERT_TRUE(state_->beginRender(c, "a", kT0, 1000));
  EXPECT_FALSE(state_->beginRender(c, "b", kT0 + 10, 1000)) << "a holds the lease";
  EXPECT_TRUE(state_->beginRender(c, "b", kT0 + 2000, 1000)) << "a died: its lease ran out";
}

TEST_F(CitizenStateTest, Fresh_OnlyWhatChangedSinceTheLastRender) {
  const std::string c =
      *merge({patient("p1", "0101901235"), record("Encounter", "k1", "Patient/p1")}).touched.begin();
  auto held = state_->beginRender(c, "r", kT0, 60'000);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->fresh.size(), 2u) << "first render: everything is news";
  state_->endRender(c, "r", held->version, held->readAt);
  merge({record("Encounter", "k2", "Patient/p1")}, kT0 + kDay);
  held = state_->beginRender(c, "r", kT0 + kDay + 1, 60'000);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->records.size(), 3u);
  EXPECT_EQ(held->fresh, std::set<std::string>{"Encounter/k2"});
}

TEST_F(CitizenStateTest, AtRest_NoCprNameOrKeyInClear) {
  merge({patient("0101901235", "0101901235"), record("EpisodeOfCare", "e1", "Patient/0101901235")});
  auto db = openDatabase(backend_->url());
  std::string all;
  for (const char* table : {"citizens", "citizen_patients", "citizen_resources"})
    for (const auto& row : db->query(std::string("SELECT * FROM ") + table))
      for (const auto& v : row) all += v.value_or("") + "|";
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.find("0101901235"), std::string::npos) << "a CPR (here also the Patient id) in clear";
  EXPECT_EQ(all.find("Testesen"), std::string::npos) << "a name in clear";
  EXPECT_EQ(all.find("EpisodeOfCare/e1"), std::string::npos) << "keys are stored hashed";
  EXPECT_NE(all.find("0101**-****"), std::string::npos) << "what a parked resource waits for is shown masked";
}

// Retention: a citizen unchanged since the cut-off whose messages are all
// accepted loses its held state; one with a waiting message, one changed
// since, and shared Organizations stay; a parked resource that old goes. A
// later delta then starts afresh: its resources wait for the Patient again.
TEST_F(CitizenStateTest, PruneDeletesOnlyUnchangedCitizensWhoseMessagesAreAllAccepted) {
  const auto citizenOf = [&](const std::vector<ResourceRecord>& batch, int64_t at) {
    const auto r = merge(batch, at);
    EXPECT_EQ(r.touched.size(), 1u);
    const std::string c = *r.touched.begin();
    keysOf(c);  // rendered: no longer dirty
    return c;
  };
  ResourceRecord org = record("Organization", "o1");
  const std::string done = citizenOf(
      {org, patient("p1", testing::syntheticCpr(1)), record("EpisodeOfCare", "e1", "Patient/p1")}, kT0);
  const std::string waiting =
      citizenOf({patient("p2", testing::syntheticCpr(2)), record("EpisodeOfCare", "e2", "Patient/p2")}, kT0);
  const std::string recent =
      citizenOf({patient("p3", testing::syntheticCpr(3)), record("EpisodeOfCare", "e3", "Patient/p3")}, kT0 + 200 * kDay);
  merge({record("Encounter", "x1", "Patient/nobody")}, kT0);  // parked
  // Citizen 1's message accepted, citizen 2's still waiting.
  store_->enqueue(testing::sampleMessage(1), "", kT0);
  store_->enqueue(testing::sampleMessage(2), "", kT0);
  auto claimed = store_->claim(1, "w", kT0 + 1, 60'000);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_EQ(claimed[0].message.citizenCpr, testing::syntheticCpr(1));
  AttemptOutcome ok;
  ok.next = MessageState::kAccepted;
  ASSERT_TRUE(store_->complete(claimed[0], "w", ok, kT0 + 2));

  const StatePruneResult r = state_->prune(kT0 + 100 * kDay, kT0 + 300 * kDay, /*batch=*/1);
  EXPECT_EQ(r.citizens, 1u);
  EXPECT_EQ(r.resources, 2u);  // p1, e1
  EXPECT_EQ(r.parked, 1u);
  EXPECT_EQ(state_->parkedCount(), 0);
  auto raw = openStoreDatabase(store_->options());
  const auto count = [&](const std::string& sql, const std::string& c) {
    return std::stoll(raw->query(sql, {c}).at(0).at(0).value_or("0"));
  };
  EXPECT_EQ(count("SELECT COUNT(*) FROM citizens WHERE citizen = $1", done), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM citizen_patients WHERE citizen = $1", done), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM citizens WHERE citizen = $1", waiting), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM citizens WHERE citizen = $1", recent), 1);
  EXPECT_EQ(keysOf(waiting), (std::set<std::string>{"Patient/p2", "EpisodeOfCare/e2"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM citizen_resources WHERE citizen = $1", "org"), 1);  // shared, kept

  // A later skema for the pruned citizen waits for its Patient; the Patient re-sent joins it.
  auto later = merge({record("QuestionnaireResponse", "q1", "Patient/p1", "EpisodeOfCare/e1")}, kT0 + 301 * kDay);
  EXPECT_EQ(later.parked, 1u);
  later = merge({patient("p1", testing::syntheticCpr(1))}, kT0 + 302 * kDay);
  EXPECT_EQ(later.joined, 1u);
  EXPECT_EQ(*later.touched.begin(), done);
  EXPECT_EQ(state_->prune(kT0 + 100 * kDay, kT0 + 303 * kDay).citizens, 0u);  // changed since: kept
}

}  // namespace
}  // namespace reghub::store
