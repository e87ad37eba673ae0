// The HentData layout (adapters/smdb/hent_data.h), both sides, and what the
// hub does with what SMDB holds: binding ids at send time, sager made
// elsewhere (blocking or adopted), deletion order. Each with a case that
// keeps the rule and one that breaks it.
#include <gtest/gtest.h>

#include "adapters/smdb/deletion_tasks.h"
#include "adapters/smdb/hent_data.h"
#include "adapters/smdb/held_sager.h"
#include "adapters/smdb/smdb_adapter.h"
#include "adapters/smdb/soap_transport.h"
#include "adapters/smdb/sync.h"
#include "hub/ingest/ingest.h"
#include "tests/adapters/smdb/smdb_test_util.h"

namespace reghub::smdb {
namespace {

SmdbRecord record(const std::string& id, Skema s, const std::string& kilde = {}) {
  SmdbRecord r;
  r.skema = s;
  r.smdbId = id;
  r.sagId = "1";
  r.parentId = s == Skema::kAnm ? "" : "1";
  r.kildeId = kilde;
  r.version = 3;
  r.kommune = "330";
  r.cpr = "0101901235";
  r.fields = {{"BehandlingAnmodningDato", "2026-01-05T00:00:00"}, {"Tekst", "a < b & \"c\""}};
  return r;
}

TEST(HentData, RecordsSurviveTheWireBothWays) {
  const std::vector<SmdbRecord> sent = {record("1", Skema::kAnm, "smdb/330/f/ANM"), record("2", Skema::kAfsl)};
  std::string error;
  const auto got = parseHentRecords("HentAnmodninger", hentRecordsResponse("HentAnmodninger", sent), error);
  ASSERT_TRUE(got) << error;
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].kildeId, "smdb/330/f/ANM");
  EXPECT_EQ((*got)[1].skema, Skema::kAfsl);
  EXPECT_EQ((*got)[1].version, 3);
  EXPECT_EQ(*(*got)[0].field("Tekst"), "a < b & \"c\"");
  EXPECT_EQ((*got)[0].cpr, "0101901235");
}

TEST(HentData, AnAnswerThatIsNotTheActionsIsRefusedWithWhy) {
  std::string error;
  // A tilknytning in the answer to HentAnmodninger.
  EXPECT_FALSE(parseHentRecords("HentAnmodninger",
                                hentRecordsResponse("HentAnmodninger", {record("5", Skema::kTilb)}), error));
  EXPECT_NE(error.find("Tilbudstilknytning"), std::string::npos) << error;
  EXPECT_FALSE(parseHentRecords("HentIvaerksaettelser", hentRecordsResponse("HentAnmodninger", {}), error));
  EXPECT_NE(error.find("HentIvaerksaettelserResponse"), std::string::npos) << error;
  EXPECT_FALSE(parseHentRecords("HentAnmodninger", "<not-xml", error));
  EXPECT_FALSE(parseHentRecords("HentAnmodninger", "<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", error));
  auto noId = record("", Skema::kAnm);
  EXPECT_FALSE(parseHentRecords("HentAnmodninger", hentRecordsResponse("HentAnmodninger", {noId}), error));
  EXPECT_NE(error.find("without SmdbId"), std::string::npos) << error;
}

TEST(HentData, RequestsNeedAKommuneAndOnlyKnownElements) {
  std::string error;
  const auto q = parseHentRequest(hentRequest("HentKvalHep", "330", "0101901235"), error);
  ASSERT_TRUE(q) << error;
  EXPECT_EQ(q->action, "HentKvalHep");
  EXPECT_EQ(q->cpr, "0101901235");
  EXPECT_FALSE(parseHentRequest(hentRequest("HentKvalHep", "0330"), error));  // 3 digits
  EXPECT_FALSE(parseHentRequest("<HentKvalHep xmlns=\"http://smdb.dst.dk/api/external/v1\"><KommuneKode>330</KommuneKode>"
                                "<Hvad>x</Hvad></HentKvalHep>",
                                error));
  EXPECT_NE(error.find("Hvad"), std::string::npos);
  EXPECT_FALSE(parseHentRequest("<HentKvalHep><KommuneKode>330</KommuneKode></HentKvalHep>", error));  // no namespace
}

TEST(HentData, ListsSurviveTheWire) {
  std::string error;
  const auto got = parseHentList(kHentAlleTilbud, hentListResponse(kHentAlleTilbud, {{"12345", "Tilbud A"}}), error);
  ASSERT_TRUE(got) << error;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].code, "12345");
  EXPECT_FALSE(parseHentList(kHentAlleTilbud, hentListResponse(kHentAlleTilbud, {{"", "x"}}), error));
}

TEST(BindRegistryIds, AKnownIdIsBoundAndAGivenOneKept) {
  const std::string payload =
      "<IndsaetTilbudstilknytning xmlns=\"http://smdb.dst.dk/api/external/v1\"><Reference><KildeId>k/TILB</KildeId>"
      "<Foraelder><KildeId>k/IVAER</KildeId></Foraelder><Foraelder><KildeId>k/OTHER</KildeId><SmdbId>9</SmdbId>"
      "</Foraelder></Reference><Tilbudstilknytning/></IndsaetTilbudstilknytning>";
  std::string error;
  const auto ids = [](const std::string& k) -> std::optional<std::string> {
    if (k == "k/IVAER") return "2";
    if (k == "k/OTHER") return "99";
    return std::nullopt;
  };
  const auto bound = bindRegistryIds(payload, ids, error);
  ASSERT_TRUE(bound) << error;
  EXPECT_NE(bound->find("<KildeId>k/IVAER</KildeId><SmdbId>2</SmdbId>"), std::string::npos) << *bound;
  EXPECT_NE(bound->find("<SmdbId>9</SmdbId>"), std::string::npos);  // given: kept
  EXPECT_EQ(bound->find("<SmdbId>99</SmdbId>"), std::string::npos);
  EXPECT_EQ(bound->find("<KildeId>k/TILB</KildeId><SmdbId>"), std::string::npos);  // unknown: none
  // Nothing known: the payload unchanged.
  EXPECT_EQ(*bindRegistryIds(payload, [](const std::string&) { return std::optional<std::string>(); }, error), payload);
}

// The BASE case's citizen and views, and SMDB's records of another sag for it.
class HeldSager : public ::testing::Test {
 protected:
  void SetUp() override {
    diag::Collector diags;
    struct Keep final : ingest::Observer {
      void onCitizen(model::Citizen&& c) override { citizen = std::move(c); }
      model::Citizen citizen;
    } keep;
    ingest::Ingestor in(keep, diag::Reporter(diags));
    in.readPath((smdb_test::kCases / "BASE__keep_complete_forloeb/input.json").string());
    in.finish();
    citizen_ = std::move(keep.citizen);
    views_.push_back(buildView(citizen_, citizen_.forloeb.front(), adapter_.table()));
    start_ = views_[0].first(Skema::kAnm)->date("BehandlingAnmodningDato")->iso();
  }
  delivery::RegistryRecord foreignAnm(const std::string& date, const std::string& closed = {}) {
    SmdbRecord r = record("40", Skema::kAnm);
    r.sagId = "40";
    r.fields = {{"BehandlingAnmodningDato", date + "T00:00:00"}};
    held_.push_back(toRegistryRecord(r));
    if (!closed.empty()) {
      SmdbRecord a = record("41", Skema::kAfsl);
      a.sagId = "40";
      a.fields = {{"BehandlingAfsluttetDato", closed + "T00:00:00"}};
      held_.push_back(toRegistryRecord(a));
    }
    return held_.back();
  }
  std::map<std::string, std::string> check() {
    diags_ = diag::Collector();
    return checkAgainstRegistry(views_, heldSager(held_), diag::Reporter(diags_));
  }
  int count(const std::string& rule) {
    int n = 0;
    for (const auto& d : diags_.diagnostics()) n += d.rule == rule;
    return n;
  }
  SmdbAdapter adapter_;
  model::Citizen citizen_;
  std::vector<ForloebView> views_;
  std::vector<delivery::RegistryRecord> held_;
  diag::Collector diags_;
  std::string start_;
};

TEST_F(HeldSager, SMDB_ANM_01_breaks_an_open_sag_made_elsewhere_that_overlaps) {
  foreignAnm("2020-01-01");
  EXPECT_TRUE(check().empty());
  EXPECT_EQ(count("SMDB-ANM-01"), 1);
}

TEST_F(HeldSager, SMDB_ANM_01_keeps_a_sag_made_elsewhere_that_ended_before) {
  foreignAnm("2020-01-01", "2020-06-01");
  check();
  EXPECT_EQ(count("SMDB-ANM-01"), 0);
}

TEST_F(HeldSager, SMDB_GEN_15_adopts_a_sag_made_elsewhere_with_the_same_anmodningsdato) {
  foreignAnm(start_);
  const auto ids = check();
  EXPECT_EQ(count("SMDB-ANM-01"), 0);
  EXPECT_EQ(count("SMDB-GEN-15"), 1);
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids.begin()->second, "40");  // the anmodning's key → its SmdbId
}

TEST_F(HeldSager, TheHubsOwnSagIsNeitherBlockingNorAdopted) {
  SmdbRecord r = record("40", Skema::kAnm, "smdb/330/" + citizen_.forloeb.front().key + "/ANM");
  r.fields = {{"BehandlingAnmodningDato", "2020-01-01T00:00:00"}};
  held_.push_back(toRegistryRecord(r));
  EXPECT_TRUE(check().empty());
  EXPECT_EQ(count("SMDB-ANM-01") + count("SMDB-GEN-15"), 0);
}

TEST(DeletionTasks, RecordsAreDeletedLatestInformationFirstAndKvalHepBeforeItsIvaerksaettelse) {
  std::vector<delivery::RegistryRecord> recs;
  for (const auto& [id, kind, date] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"1", "ANM", "2026-01-01"}, {"2", "IVAER", "2026-01-10"}, {"3", "TILB", "2026-01-10"},
           {"4", "TILB", "2026-03-01"}, {"5", "KVALHEP", ""}, {"6", "AFSL", "2026-05-01"}}) {
    delivery::RegistryRecord r;
    r.recordId = id;
    r.kind = kind;
    if (!date.empty()) r.fields = {{"TilbudTilknyttetBehandlingStartDato", date + "T00:00:00"}};
    recs.push_back(r);
  }
  std::vector<const delivery::RegistryRecord*> ptrs;
  for (const auto& r : recs) ptrs.push_back(&r);
  std::string order;
  for (const auto& s : deletionSteps(ptrs)) order += s.recordId;
  EXPECT_EQ(order, "643521");
}

}  // namespace
}  // namespace reghub::smdb
