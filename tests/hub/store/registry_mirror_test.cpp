// The registry mirror (hub/store/registry_mirror.h) on SQLite and on
// PostgreSQL (the same file compiled twice): a sync's answer replaces what
// was held (new, changed, gone), citizens are found by the keyed hash, the
// hub's own records by their key, tasks open once and close when their
// records are gone, and nothing personal is in clear in the table.
#include <gtest/gtest.h>

#include "hub/store/registry_mirror.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::store {
namespace {

using delivery::RegistryRecord;
using testing::StoreBackend;

constexpr int64_t kT0 = 1'780'000'000'000;

RegistryRecord rec(const std::string& id, const std::string& kind, const std::string& cpr, const std::string& source = {},
                   int version = 1) {
  RegistryRecord r;
  r.registry = "smdb";
  r.kommune = "0330";
  r.recordId = id;
  r.kind = kind;
  r.groupId = "1";
  r.sourceKey = source;
  r.version = version;
  r.citizenCpr = cpr;
  r.citizenMasked = cpr.substr(0, 4) + "**-****";
  r.fields = {{"PersonNavn", "Testa Testesen"}, {"BehandlingAnmodningDato", "2026-01-05T00:00:00"}};
  return r;
}

class RegistryMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<StoreBackend>(testing::currentTestName());
    store_ = backend_->open();
    mirror_ = RegistryMirror::open(store_->options());
  }
  std::unique_ptr<StoreBackend> backend_;
  std::unique_ptr<DeliveryStore> store_;
  std::unique_ptr<RegistryMirror> mirror_;
  const std::string cpr_ = testing::syntheticCpr(1);
};

TEST_F(RegistryMirrorTest, ASyncReplacesWhatWasHeldCountingNewChangedAndGone) {
  std::set<std::string> touched;
  auto c = mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_, "smdb/330/f/ANM"), rec("2", "IVAER", cpr_)}, kT0, &touched);
  EXPECT_EQ(c.seen, 2u);
  EXPECT_EQ(c.added, 2u);
  EXPECT_EQ(c.foreign, 1u);
  EXPECT_EQ(touched.size(), 1u);  // one citizen
  touched.clear();
  // The same answer again: nothing changed, nobody to render again.
  c = mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_, "smdb/330/f/ANM"), rec("2", "IVAER", cpr_)}, kT0 + 1, &touched);
  EXPECT_EQ(c.added + c.changed + c.gone, 0u);
  EXPECT_TRUE(touched.empty());
  // Record 2 updated (version 2), record 1 gone.
  c = mirror_->replace("smdb", "0330", {rec("2", "IVAER", cpr_, {}, 2)}, kT0 + 2, &touched);
  EXPECT_EQ(c.changed, 1u);
  EXPECT_EQ(c.gone, 1u);
  EXPECT_EQ(touched.size(), 1u);
  const auto held = mirror_->forCitizen("smdb", cpr_);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].recordId, "2");
  EXPECT_EQ(held[0].version, 2);
  EXPECT_EQ(held[0].citizenCpr, cpr_);  // opened from the sealed row
  EXPECT_EQ(*held[0].field("PersonNavn"), "Testa Testesen");
  // Another kommune's sync leaves this one alone.
  mirror_->replace("smdb", "0101", {}, kT0 + 3);
  EXPECT_EQ(mirror_->forCitizen("smdb", cpr_).size(), 1u);
}

TEST_F(RegistryMirrorTest, TheHubsOwnRecordIsFoundByItsKeyAndOnlyWhilePresent) {
  mirror_->replace("smdb", "0330", {rec("7", "TILB", cpr_, "smdb/330/f/TILB/t1")}, kT0);
  EXPECT_EQ(mirror_->idForSource("smdb/330/f/TILB/t1"), "7");
  EXPECT_FALSE(mirror_->idForSource("smdb/330/f/TILB/t2"));
  mirror_->replace("smdb", "0330", {}, kT0 + 1);
  EXPECT_FALSE(mirror_->idForSource("smdb/330/f/TILB/t1"));
  EXPECT_TRUE(mirror_->records("smdb").empty());
}

TEST_F(RegistryMirrorTest, ATaskOpensOnceAndClosesWhenAllItsRecordsAreGone) {
  mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_, "smdb/330/f/ANM"), rec("2", "IVAER", cpr_, "smdb/330/f/IVAER")}, kT0);
  delivery::ManualTask t;
  t.key = "smdb/slet/sag/1";
  t.registry = "smdb";
  t.kommune = "0330";
  t.kind = "slet";
  t.reason = "trukket tilbage";
  t.steps = {{"2", "IVAER", "Slet iværksættelsen"}, {"1", "ANM", "Slet anmodningen"}};
  EXPECT_TRUE(mirror_->openTask(t, kT0));
  EXPECT_FALSE(mirror_->openTask(t, kT0 + 1));  // once
  ASSERT_EQ(mirror_->tasks("smdb").size(), 1u);
  EXPECT_EQ(mirror_->tasks("smdb")[0].steps.size(), 2u);
  // One record deleted: still open.
  mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_, "smdb/330/f/ANM")}, kT0 + 2);
  EXPECT_EQ(mirror_->closeDoneTasks("smdb", kT0 + 2), 0u);
  mirror_->replace("smdb", "0330", {}, kT0 + 3);
  EXPECT_EQ(mirror_->closeDoneTasks("smdb", kT0 + 3), 1u);
  EXPECT_TRUE(mirror_->tasks("smdb").empty());
  ASSERT_EQ(mirror_->tasks("smdb", true).size(), 1u);
  EXPECT_EQ(mirror_->tasks("smdb", true)[0].closedAt, kT0 + 3);
}

TEST_F(RegistryMirrorTest, NothingPersonalIsInClearInTheTable) {
  mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_)}, kT0);
  auto db = openDatabase(backend_->url());
  for (const auto& row : db->query("SELECT * FROM registry_records"))
    for (const auto& cell : row) {
      const std::string v = cell.value_or("");
      EXPECT_EQ(v.find(cpr_), std::string::npos);
      EXPECT_EQ(v.find("Testesen"), std::string::npos);
    }
  // The control: the sealed value opens to them.
  EXPECT_EQ(mirror_->forCitizen("smdb", cpr_).at(0).citizenCpr, cpr_);
}

// Key rotation: every record — a gone one too — is sealed again with the new
// key, in resumable batches, so the old key can be dropped. Before the rekey
// the new key alone cannot sync (the control): a sync opens what it held.
TEST_F(RegistryMirrorTest, RekeySealsEveryRecordWithTheNewKeyInResumableBatches) {
  mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_), rec("2", "IVAER", cpr_), rec("3", "TILB", cpr_)}, kT0);
  mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_), rec("2", "IVAER", cpr_)}, kT0 + 1);  // 3 gone
  mirror_->replace("other", "0330", {rec("1", "X", cpr_)}, kT0 + 1);
  const std::string newKey = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2A=";
  const std::string lookup = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=";
  auto newOnly = std::make_shared<const Keyring>("k2", newKey, lookup);
  {
    auto control = RegistryMirror::open({backend_->url(), newOnly});
    EXPECT_THROW(control->replace("smdb", "0330", {rec("1", "ANM", cpr_)}, kT0 + 2), KeyError);
  }
  auto rotated = std::make_shared<Keyring>("k2", newKey, lookup);
  rotated->addRetiredKey("test-k1", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");
  auto during = RegistryMirror::open({backend_->url(), rotated});
  std::string cursor;
  bool done = false;
  size_t resealed = 0, batches = 0;
  while (!done) {
    resealed += during->rekey(cursor, done, 2);
    ++batches;
  }
  EXPECT_EQ(resealed, 4u);  // smdb 1, 2, 3 (gone) and other 1
  EXPECT_EQ(batches, 3u);   // 2 + 2 + 0: resumed from the cursor each time
  cursor.clear();
  EXPECT_EQ(during->rekey(cursor, done, 10), 0u);  // nothing left under the old key

  auto after = RegistryMirror::open({backend_->url(), newOnly});
  const auto c = after->replace("smdb", "0330", {rec("1", "ANM", cpr_), rec("3", "TILB", cpr_)}, kT0 + 3);
  EXPECT_EQ(c.changed, 1u);  // 3 is back
  EXPECT_EQ(c.gone, 1u);     // 2
  EXPECT_EQ(after->forCitizen("other", cpr_).at(0).citizenCpr, cpr_);
}

// Retention: a record gone from the registry longer than the cut-off is
// deleted; one gone since, and every present one, stay.
TEST_F(RegistryMirrorTest, PruneDeletesOnlyRecordsGoneBeforeTheCutOff) {
  mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_), rec("2", "IVAER", cpr_), rec("3", "TILB", cpr_)}, kT0);
  mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_), rec("2", "IVAER", cpr_)}, kT0 + 10);  // 3 gone at +10
  mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_)}, kT0 + 20);                        // 2 gone at +20
  EXPECT_EQ(mirror_->pruneGone("other", kT0 + 30), 0u);  // another registry's cut-off
  EXPECT_EQ(mirror_->pruneGone("smdb", kT0 + 15), 1u);   // 3 only
  EXPECT_EQ(mirror_->pruneGone("smdb", kT0 + 15), 0u);
  // 2 is still held as gone: it coming back is a change; 3 comes back new.
  const auto c = mirror_->replace("smdb", "0330", {rec("1", "ANM", cpr_), rec("2", "IVAER", cpr_), rec("3", "TILB", cpr_)},
                                  kT0 + 40);
  EXPECT_EQ(c.added, 1u);
  EXPECT_EQ(c.changed, 1u);
  EXPECT_EQ(mirror_->forCitizen("smdb", cpr_).size(), 3u);
}

}  // namespace
}  // namespace reghub::store
