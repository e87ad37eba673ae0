// hub/state/spill_store.h: what a stateless run holds past its memory budget.
// CPRs are synthetic.
#include "hub/state/spill_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace reghub::state {
namespace {

ResourceRecord rec(const std::string& key, const std::string& patient, const std::string& parent = {},
                   uint64_t arrival = 1, const std::string& lastUpdated = {}) {
  ResourceRecord r;
  r.type = key.substr(0, key.find('/'));
  r.key = key;
  r.patientKey = patient;
  if (!parent.empty()) r.parentKeys = {parent};
  r.arrival = arrival;
  r.lastUpdated = lastUpdated;
  r.file = "day-0101901235.json";
  r.json = R"({"resourceType":")" + r.type + R"(","name":"Testesen","cpr":"0101901235"})";
  return r;
}

TEST(SpillStore, RecordsComeBackByPatientByParentAndTheRestInArrivalOrder) {
  SpillStore s;
  s.put(rec("Encounter/k2", "Patient/p1", "", 2));
  s.put(rec("Encounter/k1", "Patient/p1", "", 1));
  s.put(rec("QuestionnaireResponse/q1", "", "EpisodeOfCare/e1", 3));
  s.put(rec("Encounter/k9", "Patient/nobody", "", 4));
  EXPECT_EQ(s.size(), 4u);
  const auto p1 = s.takePatients({"Patient/p1"});
  ASSERT_EQ(p1.size(), 2u);
  EXPECT_EQ(p1[0].key, "Encounter/k1");
  EXPECT_EQ(p1[0].json, rec("Encounter/k1", "Patient/p1").json) << "the record reads back whole";
  EXPECT_TRUE(s.takePatients({"Patient/p1"}).empty()) << "taken once";
  const auto orphans = s.takeOrphansOf({"EpisodeOfCare/e1"});
  ASSERT_EQ(orphans.size(), 1u);
  EXPECT_EQ(orphans[0].firstParent(), "EpisodeOfCare/e1");
  const auto rest = s.takeRest();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].key, "Encounter/k9");
  EXPECT_EQ(s.size(), 0u);
}

TEST(SpillStore, NewerVersionReplacesOlderIsIgnored) {
  SpillStore s;
  EXPECT_EQ(s.put(rec("Encounter/k1", "Patient/p1", "", 1, "2026-05-02T10:00:00Z")), SpillStore::Put::kAdded);
  EXPECT_EQ(s.put(rec("Encounter/k1", "Patient/p1", "", 2, "2026-05-01T10:00:00Z")), SpillStore::Put::kOlderIgnored);
  EXPECT_EQ(s.put(rec("Encounter/k1", "Patient/p1", "", 3, "2026-05-03T10:00:00Z")), SpillStore::Put::kReplaced);
  const auto back = s.takePatients({"Patient/p1"});
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].lastUpdated, "2026-05-03T10:00:00Z");
}

// The file is unlinked at once; read it through this process's descriptor.
std::string spillFileBytes() {
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (ec || target.find("reghub-spill-") == std::string::npos) continue;
    EXPECT_NE(target.find("(deleted)"), std::string::npos) << "the spill file must not stay in the directory";
    std::ifstream in(fd.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  return {};
}

TEST(SpillStore, TheFileHoldsNoCprNameOrKeyInClearAndIsGoneFromTheDirectory) {
  SpillStore s;
  for (int i = 0; i < 50; ++i) s.put(rec("Encounter/k" + std::to_string(i), "Patient/0101901235", "", i + 1));
  s.takeOrphansOf({"EpisodeOfCare/none"});  // flushes the batch to the file
  const std::string bytes = spillFileBytes();
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.find("0101901235"), std::string::npos);
  EXPECT_EQ(bytes.find("Testesen"), std::string::npos);
  EXPECT_EQ(bytes.find("Encounter/k1"), std::string::npos);
  EXPECT_EQ(s.takePatients({"Patient/0101901235"}).size(), 50u);
}

}  // namespace
}  // namespace reghub::state
