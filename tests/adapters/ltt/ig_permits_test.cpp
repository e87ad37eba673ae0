// Issue 8 item 6: the hub keeps only what the LTT IG permits (CONTRACT §1).
// A case system's own staff as participants, locations, notes and local
// identifiers are dropped with an info — never sent, never an error of the
// hub's own report; a participant from the IG's value set is sent.
// Inbound data goes through the real ingest and pipeline. CPRs are synthetic.
#include <gtest/gtest.h>

#include <fstream>

#include "adapters/ltt/ltt_validator.h"
#include "tests/adapters/ltt/test_util.h"
#include "tests/adapters/ltt/translate_helper.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::ltt {
namespace {

const char* kCss = "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes";
const char* kChild = "ca228a58-bd0e-4b0e-81ce-3866adc26535";       // Barn/ung deltager
const char* kIndividual = "8d12d74c-17da-47a7-a4fe-e69dbaec0a8c";  // Individuel indsats
const char* kBehandling = "b7f9217c-2315-4d6f-bba5-5117e202302c";
const char* kHenvendelse = "ac1057da-a510-4bab-a2b1-d96efa464bdc";
const char* kPprf =
    R"({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PPRF"}]})";

// `moreExtensions` continue Encounter.extension (",{…}"), `moreElements` the Encounter (",\"x\":…").
std::string bundle(const std::string& moreExtensions, const std::string& moreElements,
                   const std::string& typeCode = kHenvendelse, const std::string& extraEntries = "") {
  return std::string(R"({"resourceType":"Bundle","type":"collection","entry":[
 {"resource":{"resourceType":"Patient","id":"p-1","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"0505149996"}],"active":true,
  "managingOrganization":{"identifier":{"system":"urn:oid:1.2.208.176.1.1","value":"451000016003"}}}},
 {"resource":{"resourceType":"CarePlan","id":"cp-1","status":"active","intent":"plan","subject":{"reference":"Patient/p-1"},
  "period":{"start":"2026-04-02T09:00:00+02:00"},
  "activity":[{"detail":{"code":{"coding":[{"system":"http://fhir.kl.dk/term/CodeSystem/CareSocialCodes","code":"01302bcb-c7f3-42c4-8ded-68e33da064eb"}]},"status":"in-progress"}}]}},
 {"resource":{"resourceType":"Encounter","id":"k1","status":"finished",
  "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
  "extension":[{"url":"http://fhir.kl.dk/ltt/StructureDefinition/klgateway-ltt-encounter-based-on-care-plan","valueReference":{"reference":"CarePlan/cp-1"}})") +
         moreExtensions + "]" + moreElements + R"(,
  "type":[{"coding":[{"system":"http://fhir.kl.dk/term/CodeSystem/LTT","code":")" +
         typeCode + R"("}]}],
  "subject":{"reference":"Patient/p-1"},"period":{"start":"2026-04-02T10:00:00+02:00"}}})" +
         extraEntries + "]}";
}

// A case system's view of a contact: its own practitioner, the room, a note, its case number.
const std::string kStaffAndLocal = std::string(R"(,
  "participant":[{"type":[)") + kPprf +
                                   R"(],"individual":{"reference":"Practitioner/pr-1"}}],
  "location":[{"location":{"reference":"Location/rum-3"}}],
  "note":[{"text":"Samtale i rum 3"}],
  "identifier":[{"system":"urn:kommune:sagssystem","value":"LOKAL-42"}])";
const std::string kDeliveryIndividual =
    std::string(R"(,{"url":"http://fhir.kl.dk/ltt/StructureDefinition/klgateway-ltt-encounter-delivery-type",
  "valueCodeableConcept":{"coding":[{"system":")") +
    kCss + R"(","code":")" + kIndividual + R"("}]}})";
const std::string kChildParticipant =
    std::string(R"({"type":[{"coding":[{"system":")") + kCss + R"(","code":")" + kChild + R"("}]}]})";
const std::string kPractitioner =
    R"(,{"resource":{"resourceType":"Practitioner","id":"pr-1","name":[{"family":"Behandlersen"}]}})";

class IgPermits : public ::testing::Test {
 protected:
  test::TranslateResult run(const std::string& json) {
    const std::string f = dir_.str() + "/in.json";
    std::ofstream(f) << json;
    return test::translate({f}, "2026-06-30");
  }
  // The Encounter of the one report, and the hub's own IG validation of that report.
  static std::vector<diag::Diagnostic> validateOwnReport(const rapidjson::Document& report) {
    diag::Collector sink;
    IgOptions opt;
    opt.reportingStart = LttData::get().reportingStart();
    opt.asOf = *model::Date::parse("2026-06-30");
    opt.outbound = true;
    LttValidator::get().validateReport(report, opt, diag::Reporter(sink, "ltt"));
    return sink.take();
  }
  static const rapidjson::Value* encounterOf(const rapidjson::Document& report) {
    for (const auto& e : report["entry"].GetArray())
      if (std::string(e["resource"]["resourceType"].GetString()) == "Encounter") return &e["resource"];
    return nullptr;
  }
  static bool said(const test::TranslateResult& r, const std::string& rule, const std::string& text) {
    for (const auto& d : r.diagnostics)
      if (d.rule == rule && d.severity == diag::Severity::kInfo && d.message.find(text) != std::string::npos)
        return true;
    return false;
  }
  reghub::test::TempDir dir_;
};

TEST_F(IgPermits, Enc08_StaffParticipantLocationNoteAndLocalIdAreDroppedWithInfoOnly) {
  const auto r = run(bundle("", kStaffAndLocal, kHenvendelse, kPractitioner));
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.severity, diag::Severity::kInfo) << diag::toTextLine(d);
  }
  ASSERT_EQ(r.messages.size(), 1u);
  const auto report = test::parseJson(r.messages[0].body);
  const auto own = validateOwnReport(report);
  for (const auto& d : own) ADD_FAILURE() << "the hub's own report: " << diag::toTextLine(d);
  const rapidjson::Value* e = encounterOf(report);
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->HasMember("participant"));
  EXPECT_FALSE(e->HasMember("location"));
  EXPECT_FALSE(e->HasMember("note"));
  EXPECT_FALSE(e->HasMember("identifier"));
  for (const char* gone :
       {"PPRF", "ParticipationType", "Practitioner", "pr-1", "rum-3", "Samtale", "LOKAL-42", "sagssystem"})
    EXPECT_EQ(r.messages[0].body.find(gone), std::string::npos) << gone << " was forwarded";
  EXPECT_TRUE(said(r, "LTT-ENC-08", "v3-ParticipationType#PPRF is not sent"));
  EXPECT_TRUE(said(r, "HUB-INGEST-12", "participant[0].individual"));
  EXPECT_TRUE(said(r, "HUB-INGEST-12", "location"));
  EXPECT_TRUE(said(r, "HUB-INGEST-12", "note"));
  EXPECT_TRUE(said(r, "HUB-INGEST-12", "identifier"));
  EXPECT_TRUE(said(r, "HUB-INGEST-11", "Practitioner"));
}

TEST_F(IgPermits, Enc08_ChildParticipantFromTheValueSetIsSentBesideADroppedStaffOne) {
  const std::string parts = std::string(R"(,"participant":[{"type":[)") + kPprf +
                            R"(],"individual":{"reference":"Practitioner/pr-1"}},)" + kChildParticipant + "]";
  const auto r = run(bundle("", parts, kHenvendelse, kPractitioner));
  EXPECT_EQ(r.errors, 0);
  ASSERT_EQ(r.messages.size(), 1u);
  const auto report = test::parseJson(r.messages[0].body);
  EXPECT_TRUE(validateOwnReport(report).empty());
  const rapidjson::Value* e = encounterOf(report);
  ASSERT_NE(e, nullptr);
  ASSERT_TRUE(e->HasMember("participant"));
  ASSERT_EQ((*e)["participant"].Size(), 1u);
  const auto& coding = (*e)["participant"][0]["type"][0]["coding"][0];
  EXPECT_STREQ(coding["code"].GetString(), kChild);
  EXPECT_STREQ(coding["display"].GetString(), "Barn/ung deltager");
  EXPECT_FALSE((*e)["participant"][0].HasMember("individual"));
  EXPECT_EQ(r.messages[0].body.find("PPRF"), std::string::npos);
  EXPECT_TRUE(said(r, "LTT-ENC-08", "PPRF is not sent"));
}

// A Behandling with a delivery type and the child: all from the value sets, all sent;
// the case system's extra local delivery coding is dropped with an info.
TEST_F(IgPermits, Enc03_DeliveryTypeOutsideTheValueSetIsDroppedAndThePermittedOneSent) {
  const std::string delivery =
      std::string(R"(,{"url":"http://fhir.kl.dk/ltt/StructureDefinition/klgateway-ltt-encounter-delivery-type",
  "valueCodeableConcept":{"coding":[{"system":"urn:kommune:levering","code":"HJEM"},{"system":")") +
      kCss + R"(","code":")" + kIndividual + R"("}]}})";
  const auto r = run(bundle(delivery, ",\"participant\":[" + kChildParticipant + "]", kBehandling));
  EXPECT_EQ(r.errors, 0);
  ASSERT_EQ(r.messages.size(), 1u);
  const auto report = test::parseJson(r.messages[0].body);
  EXPECT_TRUE(validateOwnReport(report).empty());
  const rapidjson::Value* e = encounterOf(report);
  ASSERT_NE(e, nullptr);
  EXPECT_STREQ((*e)["extension"][1]["valueCodeableConcept"]["coding"][0]["code"].GetString(), kIndividual);
  EXPECT_EQ((*e)["extension"][1]["valueCodeableConcept"]["coding"].Size(), 1u);
  EXPECT_EQ(r.messages[0].body.find("HJEM"), std::string::npos);
  EXPECT_TRUE(said(r, "LTT-ENC-03", "urn:kommune:levering#HJEM is not sent"));
}

// Only a staff participant on a Behandling: nothing permitted is left to send, so the
// sender hears that the IG needs the child or an omsorgsperson (LTT-ENC-01) — about
// its data, with the info saying what was dropped; the PPRF is never sent.
TEST_F(IgPermits, Enc01_BehandlingWithOnlyStaffParticipantNamesTheMissingParticipant) {
  const auto r =
      run(bundle(kDeliveryIndividual, std::string(R"(,"participant":[{"type":[)") + kPprf + "]}]", kBehandling));
  EXPECT_TRUE(said(r, "LTT-ENC-08", "PPRF is not sent"));
  bool enc01 = false;
  for (const auto& d : r.diagnostics) {
    // The IG's invariant text: "… the encounter must have participant and deliveryType."
    if (d.rule == "LTT-ENC-01") enc01 = d.message.find("must have participant") != std::string::npos;
    if (d.rule == "LTT-ENC-08") {
      EXPECT_EQ(d.severity, diag::Severity::kInfo) << diag::toTextLine(d);
    }
  }
  EXPECT_TRUE(enc01);
  for (const auto& m : r.messages) EXPECT_EQ(m.body.find("PPRF"), std::string::npos);
}

// A local unit id in Patient.managingOrganization is not a SOR code: it is never sent as
// one (which FK Gateway would refuse as a bad SOR, LTT-CIT-08); the sender hears that the
// SOR is missing (LTT-CIT-07) and what was not used.
TEST_F(IgPermits, Cit07_LocalOrganizationIdIsNeverSentAsTheSorCode) {
  std::string json = bundle("", "");
  const std::string sor = R"({"system":"urn:oid:1.2.208.176.1.1","value":"451000016003"})";
  json.replace(json.find(sor), sor.size(), R"({"system":"urn:kommune:afdeling","value":"AFD-7"})");
  const auto r = run(json);
  EXPECT_TRUE(said(r, "HUB-INGEST-12", "managingOrganization.identifier (urn:kommune:afdeling, not SOR)"));
  bool missing = false;
  for (const auto& d : r.diagnostics) {
    EXPECT_NE(d.rule, "LTT-CIT-08") << diag::toTextLine(d);
    if (d.rule == "LTT-CIT-07") missing = true;
  }
  EXPECT_TRUE(missing);
  for (const auto& m : r.messages) EXPECT_EQ(m.body.find("AFD-7"), std::string::npos);
}

}  // namespace
}  // namespace reghub::ltt
