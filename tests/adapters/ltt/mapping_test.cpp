// Mapping inbound data to reports: the reporting period (LTT-PER-02/03),
// the user-interface treatment codes, statuses, stripping, ids, and the
// IncrementalDelivery wrapper. Inbound data is written as a case system
// would send it and read through the real ingest and pipeline.
#include <gtest/gtest.h>

#include <fstream>

#include "adapters/ltt/ltt_validator.h"
#include "adapters/ltt/report_builder.h"
#include "tests/adapters/ltt/test_util.h"
#include "tests/adapters/ltt/translate_helper.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::ltt {
namespace {

const char* kPatient = R"({"resourceType":"Patient","id":"p-1","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"0505149996"}],
 "active":ACTIVE,"name":[{"family":"Hansen"}],"managingOrganization":{"identifier":{"system":"urn:oid:1.2.208.176.1.1","value":"451000016003"}}})";

std::string carePlan(const std::string& start, const std::string& status = "active", const std::string& end = "") {
  return R"({"resourceType":"CarePlan","id":"cp-1","status":")" + status + R"(","intent":"plan","subject":{"reference":"Patient/p-1"},
 "period":{"start":")" + start + "\"" + (end.empty() ? "" : ",\"end\":\"" + end + "\"") + R"(},
 "activity":[{"detail":{"code":{"coding":[{"system":"http://fhir.kl.dk/term/CodeSystem/CareSocialCodes","code":"01302bcb-c7f3-42c4-8ded-68e33da064eb"}]},"status":"in-progress"}}]})";
}

std::string encounter(const std::string& id, const std::string& start, const std::string& typeCode,
                      const std::string& status = "finished", const std::string& system = "http://fhir.kl.dk/term/CodeSystem/LTT") {
  return R"({"resourceType":"Encounter","id":")" + id + R"(","status":")" + status + R"(","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
 "extension":[{"url":"http://fhir.kl.dk/ltt/StructureDefinition/klgateway-ltt-encounter-based-on-care-plan","valueReference":{"reference":"CarePlan/cp-1"}}],
 "type":[{"coding":[{"system":")" + system + R"(","code":")" + typeCode + R"("}]}],"subject":{"reference":"Patient/p-1"},"period":{"start":")" + start + R"("}})";
}

std::string bundle(const std::vector<std::string>& resources, bool active = true) {
  std::string p = kPatient;
  p.replace(p.find("ACTIVE"), 6, active ? "true" : "false");
  std::string b = R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)" + p + "}";
  for (const auto& r : resources) b += ",{\"resource\":" + r + "}";
  return b + "]}";
}

class Mapping : public ::testing::Test {
 protected:
  std::string write(const std::string& json) {
    const std::string f = dir_.str() + "/in" + std::to_string(n_++) + ".json";
    std::ofstream(f) << json;
    return f;
  }
  reghub::test::TempDir dir_;
  int n_ = 0;
};

const char* kHenvendelse = "ac1057da-a510-4bab-a2b1-d96efa464bdc";

TEST_F(Mapping, Per02And03OldForloebIsReportedWithItsNewContactsOnly) {
  const auto f = write(bundle({carePlan("2026-03-02T09:00:00+01:00"), encounter("k1", "2026-03-02T10:00:00+01:00", kHenvendelse),
                               encounter("k2", "2026-03-31T23:30:00+02:00", kHenvendelse),
                               encounter("k3", "2026-04-07T10:00:00+02:00", kHenvendelse)}));
  const auto r = test::translate({f}, "2026-06-30");
  ASSERT_EQ(r.errors, 0);
  ASSERT_EQ(r.messages.size(), 1u) << "only the day of the April contact";
  EXPECT_EQ(r.messages[0].deliveryDay, "2026-04-07");
  const auto b = test::parseJson(r.messages[0].body);
  ASSERT_EQ(b["entry"].Size(), 3u);  // Patient, the forløb, the April contact
  EXPECT_STREQ(b["entry"][1]["resource"]["period"]["start"].GetString(), "2026-03-02T09:00:00+01:00");
  EXPECT_STREQ(b["entry"][2]["resource"]["period"]["start"].GetString(), "2026-04-07T10:00:00+02:00");
}

TEST_F(Mapping, ForloebWithOnlyOldActivityIsNotSelected) {
  const auto f = write(bundle({carePlan("2026-03-02T09:00:00+01:00"), encounter("k1", "2026-03-20T10:00:00+01:00", kHenvendelse)}));
  const auto r = test::translate({f}, "2026-06-30");
  EXPECT_EQ(r.errors, 0);
  EXPECT_TRUE(r.messages.empty());
}

struct UiCase {
  const char* ui;
  const char* delivery;
  const char* participant;
};

TEST_F(Mapping, UserInterfaceCodesBecomeBehandlingDeliveryTypeAndParticipant) {
  const std::vector<UiCase> cases = {
      {"8742dc92-2878-4074-b128-b0384c4989c9", "2865f123-15a7-4a36-a514-32ea37c400ca", "ca228a58-bd0e-4b0e-81ce-3866adc26535"},
      {"dadb1540-9542-46d1-a784-0559d94e0b9a", "2865f123-15a7-4a36-a514-32ea37c400ca", "d3578249-10df-4051-851d-3986b1570bee"},
      {"ca52f015-193e-4d31-9471-7385717dfa44", "8d12d74c-17da-47a7-a4fe-e69dbaec0a8c", "ca228a58-bd0e-4b0e-81ce-3866adc26535"},
  };
  // The fourth mapping (individuel uden barn/ung) comes from the data file, so the test reads it too.
  std::vector<UiCase> all = cases;
  for (const UiMapping& m : LttData::get().uiMappings())
    if (m.ui.code != cases[0].ui && m.ui.code != cases[1].ui && m.ui.code != cases[2].ui)
      all.push_back({m.ui.code.c_str(), m.deliveryType.code.c_str(), m.participantType.code.c_str()});
  ASSERT_EQ(all.size(), 4u);
  for (const UiCase& c : all) {
    const auto f = write(bundle({carePlan("2026-04-02T09:00:00+02:00"), encounter("k1", "2026-04-02T10:00:00+02:00", c.ui)}));
    const auto r = test::translate({f}, "2026-06-30");
    ASSERT_EQ(r.errors, 0) << c.ui;
    ASSERT_EQ(r.messages.size(), 1u);
    const auto b = test::parseJson(r.messages[0].body);
    const auto& e = b["entry"][2]["resource"];
    EXPECT_STREQ(e["type"][0]["coding"][0]["code"].GetString(), kBehandlingCode);
    EXPECT_STREQ(e["type"][0]["coding"][0]["display"].GetString(), "Behandling");
    EXPECT_STREQ(e["extension"][1]["url"].GetString(), kExtDeliveryType);
    EXPECT_STREQ(e["extension"][1]["valueCodeableConcept"]["coding"][0]["code"].GetString(), c.delivery);
    EXPECT_STREQ(e["participant"][0]["type"][0]["coding"][0]["code"].GetString(), c.participant);
    EXPECT_EQ(r.messages[0].body.find(c.ui), std::string::npos) << "the UI code itself is never sent";
  }
}

TEST_F(Mapping, UnknownContactTypeIsAnErrorNamingTheCode) {
  const auto f = write(bundle({carePlan("2026-04-02T09:00:00+02:00"),
                               encounter("k1", "2026-04-02T10:00:00+02:00", "LOKAL-7", "finished", "urn:kommune:type")}));
  const auto r = test::translate({f}, "2026-06-30");
  EXPECT_EQ(r.errors, 1);
  EXPECT_TRUE(r.messages.empty()) << "a forløb with an error is not sent";
  bool named = false;
  for (const auto& d : r.diagnostics)
    if (d.rule == "LTT-ENC-05" && d.message.find("LOKAL-7") != std::string::npos && d.forloeb == "CarePlan/cp-1") named = true;
  EXPECT_TRUE(named);
}

TEST_F(Mapping, StatusesAndEnteredInError) {
  const auto f = write(bundle({carePlan("2026-04-02T09:00:00+02:00", "entered-in-error"),
                               encounter("k1", "2026-04-02T10:00:00+02:00", kHenvendelse, "entered-in-error"),
                               encounter("k2", "2026-04-02T11:00:00+02:00", kHenvendelse, "planned")},
                              false));
  const auto r = test::translate({f}, "2026-06-30");
  ASSERT_EQ(r.errors, 0);
  ASSERT_EQ(r.messages.size(), 1u);
  const auto b = test::parseJson(r.messages[0].body);
  ASSERT_EQ(b["entry"].Size(), 3u) << "the planned contact is not reported";
  EXPECT_FALSE(b["entry"][0]["resource"]["active"].GetBool());
  EXPECT_STREQ(b["entry"][1]["resource"]["status"].GetString(), "entered-in-error");
  EXPECT_STREQ(b["entry"][1]["resource"]["activity"][0]["detail"]["status"].GetString(), "entered-in-error");
  EXPECT_STREQ(b["entry"][2]["resource"]["status"].GetString(), "entered-in-error");
}

TEST_F(Mapping, CompletedForloebWithoutEndIsLttCp01) {
  const auto f = write(bundle({carePlan("2026-04-02T09:00:00+02:00", "completed"),
                               encounter("k1", "2026-04-02T10:00:00+02:00", kHenvendelse)}));
  const auto r = test::translate({f}, "2026-06-30");
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(r.diagnostics.end() != std::find_if(r.diagnostics.begin(), r.diagnostics.end(),
                                                [](const diag::Diagnostic& d) { return d.rule == "LTT-CP-01"; }),
            true);
}

TEST_F(Mapping, ReplacementCprIsAnErrorThatSaysSo) {
  std::string b = bundle({carePlan("2026-04-02T09:00:00+02:00"), encounter("k1", "2026-04-02T10:00:00+02:00", kHenvendelse)});
  b.replace(b.find("0505149996"), 10, "6505149996");
  const auto r = test::translate({write(b)}, "2026-06-30");
  EXPECT_TRUE(r.messages.empty());
  int cit04 = 0;
  for (const auto& d : r.diagnostics)
    if (d.rule == "LTT-CIT-04") {
      ++cit04;
      EXPECT_EQ(d.severity, diag::Severity::kError);
      EXPECT_NE(d.message.find("erstatnings-CPR"), std::string::npos);
      EXPECT_EQ(d.message.find("6505149996"), std::string::npos) << "never the full CPR";
      EXPECT_EQ(d.citizen, "6505**-****");
    }
  EXPECT_EQ(cit04, 1);
}

TEST_F(Mapping, CitizenWithoutCprIsSkippedWithAWarning) {
  std::string b = bundle({carePlan("2026-04-02T09:00:00+02:00"), encounter("k1", "2026-04-02T10:00:00+02:00", kHenvendelse)});
  b.replace(b.find("urn:oid:1.2.208.176.1.2"), 23, "urn:kommune:borger-id");
  const auto r = test::translate({write(b)}, "2026-06-30");
  EXPECT_TRUE(r.messages.empty());
  EXPECT_EQ(r.errors, 0);
  int w = 0;
  for (const auto& d : r.diagnostics)
    if (d.rule == "HUB-CPR-01" && d.severity == diag::Severity::kWarning && d.registry == "hub") ++w;
  EXPECT_EQ(w, 1);
}

TEST_F(Mapping, AgeOutsideFiveToSeventeenIsAWarningNotAnError) {
  std::string b = bundle({carePlan("2026-04-02T09:00:00+02:00"), encounter("k1", "2026-04-02T10:00:00+02:00", kHenvendelse)});
  b.replace(b.find("0505149996"), 10, "0505909996");  // born 1990
  const auto r = test::translate({write(b)}, "2026-06-30");
  EXPECT_EQ(r.errors, 0);
  EXPECT_EQ(r.messages.size(), 1u);
  int age = 0;
  for (const auto& d : r.diagnostics)
    if (d.rule == "LTT-AGE-01" && d.severity == diag::Severity::kWarning) ++age;
  EXPECT_EQ(age, 1);
  // A 11-year-old: no warning.
  const auto ok = test::translate({write(bundle({carePlan("2026-04-02T09:00:00+02:00"),
                                                  encounter("k1", "2026-04-02T10:00:00+02:00", kHenvendelse)}))},
                                  "2026-06-30");
  for (const auto& d : ok.diagnostics) EXPECT_NE(d.rule, "LTT-AGE-01");
}

TEST_F(Mapping, IdsAreStablePerSourceResourceAndBundleIdsPerContent) {
  const auto one = write(bundle({carePlan("2026-04-02T09:00:00+02:00"), encounter("k1", "2026-04-02T10:00:00+02:00", kHenvendelse)}));
  const auto a = test::translate({one}, "2026-06-30");
  const auto b = test::translate({one}, "2026-06-30");
  ASSERT_EQ(a.messages.size(), 1u);
  EXPECT_EQ(a.messages[0].idempotencyKey, b.messages[0].idempotencyKey);
  const auto ra = test::parseJson(a.messages[0].body);
  const std::string cpId = ra["entry"][1]["resource"]["id"].GetString();
  EXPECT_EQ(cpId, ReportBuilder::resourceId("451000016003", "CarePlan", "cp-1"));
  EXPECT_NE(cpId, "cp-1");
  // Changed content (another contact type): same resource ids, new Bundle id.
  const auto two = write(bundle({carePlan("2026-04-02T09:00:00+02:00"),
                                 encounter("k1", "2026-04-02T10:00:00+02:00", "e2eee938-a58c-42d0-a514-dc91779b1243")}));
  const auto c = test::translate({two}, "2026-06-30");
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_NE(c.messages[0].idempotencyKey, a.messages[0].idempotencyKey);
  EXPECT_EQ(std::string(test::parseJson(c.messages[0].body)["entry"][1]["resource"]["id"].GetString()), cpId);
  // A source id that is a UUID is kept.
  EXPECT_EQ(ReportBuilder::resourceId("x", "Encounter", "bd3ad9c0-0257-49a3-b2ea-a4198efe6816"),
            "bd3ad9c0-0257-49a3-b2ea-a4198efe6816");
}

TEST_F(Mapping, IncrementalDeliveryWrapsReportsAndValidates) {
  const auto f = write(bundle({carePlan("2026-04-02T09:00:00+02:00"), encounter("k1", "2026-04-02T10:00:00+02:00", kHenvendelse),
                               encounter("k2", "2026-04-09T10:00:00+02:00", kHenvendelse)}));
  const auto r = test::translate({f}, "2026-06-30");
  ASSERT_EQ(r.messages.size(), 2u);
  std::vector<PlannedReport> reps(2);
  std::vector<const PlannedReport*> ptrs;
  for (size_t i = 0; i < 2; ++i) {
    reps[i].doc = std::make_shared<rapidjson::Document>(test::parseJson(r.messages[i].body));
    reps[i].bundleId = r.messages[i].idempotencyKey;
    ptrs.push_back(&reps[i]);
  }
  const std::string wrapped = incrementalDelivery(ptrs, "2026-04-10T03:00:00Z", "http://fhir.kl.dk/ltt");
  const auto w = test::parseJson(wrapped);
  EXPECT_EQ(klBundleKind(w), KlBundleKind::kIncrementalDelivery);
  ASSERT_EQ(w["entry"].Size(), 2u);
  diag::Collector sink;
  IgOptions opt;
  opt.reportingStart = LttData::get().reportingStart();
  opt.asOf = *model::Date::parse("2026-06-30");
  LttValidator::get().validateDocument(w, opt, diag::Reporter(sink, "ltt"));
  std::string detail;
  for (const auto& d : sink.diagnostics()) detail += diag::toTextLine(d) + "\n";
  EXPECT_EQ(sink.diagnostics().size(), 0u) << detail;
}

}  // namespace
}  // namespace reghub::ltt
