// hub/ingest: readers, hardening, references, streaming. Rule ids are the
// HUB-… ids of docs/DIAGNOSTICS.md. All CPR numbers are synthetic.
#include "hub/ingest/ingest.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/hub/ingest/ingest_run.h"

namespace {

using reghub::diag::Collector;
using reghub::diag::Diagnostic;
using reghub::diag::Severity;
using reghub::model::Citizen;
using reghub::ingest::test::IngestRun;

const std::string kFixtures = std::string(REGHUB_SOURCE_DIR) + "/tests/hub/ingest/fixtures";

TEST(Ingest, JsonBundleBuildsCitizenForloebAndTypedAnswers) {
  IngestRun r({kFixtures + "/valid/smdb-forloeb.json"});
  EXPECT_FALSE(r.unreadable);
  EXPECT_EQ(r.errors(), 0);
  ASSERT_EQ(r.capture.citizens.size(), 1u);
  const Citizen& c = r.capture.citizens[0];
  ASSERT_TRUE(c.cpr);
  EXPECT_EQ(c.cpr->masked(), "0101**-****");
  EXPECT_EQ(c.name, "Anna Marie Jensen");
  EXPECT_EQ(c.gender, reghub::model::Gender::kFemale);
  ASSERT_EQ(c.forloeb.size(), 1u);
  const auto& f = c.forloeb[0];
  EXPECT_EQ(f.key, "SAG-1");
  EXPECT_TRUE(f.hasProgram("urn:reghub:legal-basis", "SEL-101"));
  ASSERT_TRUE(f.municipality);
  EXPECT_EQ(f.municipality->municipalityCode, "0330");
  ASSERT_EQ(f.forms.size(), 1u);
  const auto& form = f.forms[0];
  EXPECT_EQ(form.questionnaire, "urn:reghub:smdb:ANM");
  ASSERT_NE(form.find("BehandlingAnmodningDato"), nullptr);
  EXPECT_EQ(form.find("BehandlingAnmodningDato")->date->copenhagenDate().iso(), "2026-05-01");
  EXPECT_EQ(form.find("PersonGravidKode")->type, reghub::model::Answer::Type::kCode);
  EXPECT_EQ(form.find("PersonGravidKode")->text, "02");
  EXPECT_EQ(form.find("Noter")->text, "æøå <&>");
  EXPECT_EQ(form.find("Antal")->integer, 3);
  EXPECT_TRUE(form.find("Flag")->boolean);
  EXPECT_EQ(form.find("Flag")->path, "item[4].answer[0]");
}

TEST(Ingest, UnusedElementsAreReportedAsInfoNeverDropped_HUB_INGEST_12) {
  IngestRun r({kFixtures + "/valid/smdb-forloeb.json"});
  const auto infos = r.withRule("HUB-INGEST-12");
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0]->severity, Severity::kInfo);
  EXPECT_NE(infos[0]->message.find("address"), std::string::npos);
}

// A type kept as sent (a Patient, a Condition, …) goes on whole to the
// adapters that report resources as sent, which forward only what their
// profiles permit: its unused elements are not "never forwarded". An
// EpisodeOfCare's are (the control).
TEST(Ingest, UnusedElementsOfATypeKeptAsSentAreNotSaidNeverForwarded_HUB_INGEST_12) {
  const std::string bundle =
      std::string(R"({"resourceType":"Bundle","type":"collection","entry":[)") +
      R"({"fullUrl":"Patient/p1","resource":{"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"0101585051"}],"address":[{"city":"X"}]}},)" +
      R"({"fullUrl":"EpisodeOfCare/e1","resource":{"resourceType":"EpisodeOfCare","id":"e1","status":"active","patient":{"reference":"Patient/p1"},"careManager":{"display":"x"}}}]})";
  IngestRun r("u.json", bundle, "application/fhir+json");
  const auto infos = r.withRule("HUB-INGEST-12");
  ASSERT_EQ(infos.size(), 2u);
  for (const auto* d : infos) {
    const bool patient = d->message.rfind("Patient ", 0) == 0;
    EXPECT_NE(d->message.find(patient ? "address" : "careManager"), std::string::npos) << d->message;
    EXPECT_EQ(d->message.find("never forwarded") == std::string::npos, patient) << d->message;
    if (patient) {
      EXPECT_NE(d->message.find("kept as sent"), std::string::npos) << d->message;
    }
  }
}

TEST(Ingest, XmlBundleGivesTheSameModelAsJson) {
  IngestRun r({kFixtures + "/valid/smdb-forloeb.xml"});
  EXPECT_FALSE(r.unreadable);
  EXPECT_EQ(r.errors(), 0);
  ASSERT_EQ(r.capture.citizens.size(), 1u);
  const Citizen& c = r.capture.citizens[0];
  EXPECT_EQ(c.name, "Mads Sørensen");
  ASSERT_EQ(c.forloeb.size(), 1u);
  EXPECT_EQ(c.forloeb[0].key, "SAG-2");
  EXPECT_TRUE(c.forloeb[0].hasProgram("urn:reghub:legal-basis", "SUL-142"));
  EXPECT_EQ(c.forloeb[0].municipality->municipalityCode, "0101");
  ASSERT_EQ(c.forloeb[0].forms.size(), 1u);
  const auto& form = c.forloeb[0].forms[0];
  EXPECT_EQ(form.find("Antal")->integer, 7);
  EXPECT_EQ(form.find("Flag")->type, reghub::model::Answer::Type::kBoolean);
  EXPECT_FALSE(form.find("Flag")->boolean);
}

// One clear diagnostic per broken file; the valid file is still read.
TEST(Ingest, MixedFolderGivesOneDiagnosticPerProblemAndIsUnreadable) {
  IngestRun r({kFixtures + "/mixed"});
  EXPECT_TRUE(r.unreadable);
  std::map<std::string, std::vector<std::string>> byFile;
  for (const auto& d : r.diags.diagnostics())
    if (d.severity == Severity::kError) {
      const std::string name = d.file.substr(d.file.rfind('/') + 1);
      byFile[name].push_back(d.rule);
    }
  const std::map<std::string, std::vector<std::string>> expected = {
      {"02-malformed.json", {"HUB-INGEST-02"}},   {"03-malformed.xml", {"HUB-INGEST-03"}},
      {"04-xxe.xml", {"HUB-INGEST-03"}},          {"05-billion-laughs.xml", {"HUB-INGEST-03"}},
      {"06-not-fhir.json", {"HUB-INGEST-04"}},    {"07-empty.json", {"HUB-INGEST-05"}},
      {"08-one-bad-line.ndjson", {"HUB-INGEST-02"}}, {"09-invalid-utf8.json", {"HUB-INGEST-02"}},
  };
  EXPECT_EQ(byFile, expected);
  // The valid file and the good NDJSON lines were read all the same.
  EXPECT_EQ(r.capture.citizens.size(), 3u);
}

TEST(Ingest, MalformedJsonNamesLineAndColumn_HUB_INGEST_02) {
  IngestRun r({kFixtures + "/mixed/02-malformed.json"});
  const auto d = r.withRule("HUB-INGEST-02");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->line, 2);
  EXPECT_GT(d[0]->column, 1);
  EXPECT_NE(d[0]->message.find("malformed JSON"), std::string::npos);
}

TEST(Ingest, NdjsonBadLineIsReportedWithItsLineNumberAndOthersAreRead) {
  IngestRun r({kFixtures + "/mixed/08-one-bad-line.ndjson"});
  const auto d = r.withRule("HUB-INGEST-02");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->line, 2);
  EXPECT_EQ(r.capture.citizens.size(), 2u);
}

TEST(Ingest, XxeIsRefusedAndNothingIsFetched_HUB_INGEST_03) {
  IngestRun r({kFixtures + "/mixed/04-xxe.xml"});
  const auto d = r.withRule("HUB-INGEST-03");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0]->message.find("DOCTYPE"), std::string::npos);
  EXPECT_TRUE(r.capture.citizens.empty());
  for (const auto& x : r.diags.diagnostics()) EXPECT_EQ(x.message.find("root:"), std::string::npos);
}

TEST(Ingest, BillionLaughsIsRefusedWithoutExpansion_HUB_INGEST_03) {
  IngestRun r({kFixtures + "/mixed/05-billion-laughs.xml"});
  ASSERT_EQ(r.withRule("HUB-INGEST-03").size(), 1u);
  EXPECT_EQ(r.withRule("HUB-INGEST-03")[0]->line, 2);
}

TEST(Ingest, DeepNestingIsRefusedNotRecursed_HUB_INGEST_02) {
  std::string deep = "{\"resourceType\":\"Patient\",\"x\":";
  for (int i = 0; i < 100000; ++i) deep += "[";
  IngestRun r("deep.json", deep, "application/fhir+json");
  const auto d = r.withRule("HUB-INGEST-02");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NE(d[0]->message.find("deeper than"), std::string::npos);
  std::string deepXml = "<Patient xmlns=\"http://hl7.org/fhir\">";
  for (int i = 0; i < 5000; ++i) deepXml += "<a>";
  IngestRun x("deep.xml", deepXml, "application/fhir+xml");
  EXPECT_EQ(x.withRule("HUB-INGEST-03").size(), 1u);
}

TEST(Ingest, MissingFileIsUnreadable_HUB_INGEST_01) {
  IngestRun r({kFixtures + "/does-not-exist.json"});
  EXPECT_TRUE(r.unreadable);
  EXPECT_EQ(r.withRule("HUB-INGEST-01").size(), 1u);
}

TEST(Ingest, DanglingReferenceIsAnError_HUB_REF_01) {
  const std::string qr =
      R"({"resourceType":"QuestionnaireResponse","id":"q9","questionnaire":"urn:reghub:smdb:ANM","status":"completed",)"
      R"("subject":{"reference":"Patient/nobody"},)"
      R"("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare","valueReference":{"reference":"EpisodeOfCare/none"}}]})";
  IngestRun r("dangling.json", qr, "application/fhir+json");
  EXPECT_FALSE(r.unreadable);
  const auto d = r.withRule("HUB-REF-01");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->severity, Severity::kError);
  EXPECT_NE(d[0]->message.find("Patient/nobody"), std::string::npos);
}

// An Encounter kept as sent (§ 140) may hang on another of the citizen's
// resources (a ServiceRequest, a planned intervention) rather than a forløb;
// but one parent that is missing — a broken episodeOfCare — is still a
// dangling reference.
TEST(Ingest, EncounterWithAMissingForloebIsAnErrorEvenWhenBasedOnAMember_HUB_REF_01) {
  auto bundle = [](bool brokenEpisode) {
    return std::string(R"({"resourceType":"Bundle","type":"collection","entry":[)") +
           R"({"fullUrl":"Patient/p1","resource":{"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"0101585051"}]}},)" +
           R"({"fullUrl":"ServiceRequest/sr1","resource":{"resourceType":"ServiceRequest","id":"sr1","status":"active","intent":"plan","subject":{"reference":"Patient/p1"}}},)" +
           R"({"fullUrl":"Encounter/en1","resource":{"resourceType":"Encounter","id":"en1","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/p1"},)" +
           (brokenEpisode ? R"("episodeOfCare":[{"reference":"EpisodeOfCare/missing"}],)" : "") +
           R"("basedOn":[{"reference":"ServiceRequest/sr1"}]}}]})";
  };
  IngestRun broken("b.json", bundle(true), "application/fhir+json");
  const auto d = broken.withRule("HUB-REF-01");
  ASSERT_EQ(d.size(), 1u);
  IngestRun kept("k.json", bundle(false), "application/fhir+json");
  for (const auto* k : kept.withRule("HUB-REF-01")) ADD_FAILURE() << k->message;
}

// The dangling reference named is the missing one (the broken
// episodeOfCare), not a parent that is there (the basedOn ServiceRequest);
// the control names it too when it is the only parent.
TEST(Ingest, TheDanglingParentNamedIsTheMissingOne_HUB_REF_01) {
  auto bundle = [](bool withBasedOn) {
    return std::string(R"({"resourceType":"Bundle","type":"collection","entry":[)") +
           R"({"fullUrl":"Patient/p1","resource":{"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"0101585051"}]}},)" +
           R"({"fullUrl":"ServiceRequest/sr1","resource":{"resourceType":"ServiceRequest","id":"sr1","status":"active","intent":"plan","subject":{"reference":"Patient/p1"}}},)" +
           R"({"fullUrl":"Encounter/en1","resource":{"resourceType":"Encounter","id":"en1","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/p1"},)" +
           (withBasedOn ? R"("basedOn":[{"reference":"ServiceRequest/sr1"}],)" : "") +
           R"("episodeOfCare":[{"reference":"EpisodeOfCare/missing"}]}}]})";
  };
  for (const bool withBasedOn : {true, false}) {
    SCOPED_TRACE(withBasedOn ? "basedOn a member" : "episodeOfCare alone");
    IngestRun run("m.json", bundle(withBasedOn), "application/fhir+json");
    const auto d = run.withRule("HUB-REF-01");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0]->message.find("forløb 'EpisodeOfCare/missing'"), std::string::npos) << d[0]->message;
    EXPECT_EQ(d[0]->message.find("ServiceRequest/sr1"), std::string::npos) << d[0]->message;
  }
}

TEST(Ingest, DuplicateFullUrlBreaksBdl7UnlessVersionsDiffer_HUB_BDL_07) {
  auto bundle = [](const char* v1, const char* v2) {
    return std::string(R"({"resourceType":"Bundle","type":"collection","entry":[)") +
           R"({"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111","resource":{"resourceType":"Organization","id":"o1","meta":{"versionId":")" +
           v1 + R"("}}},)" +
           R"({"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111","resource":{"resourceType":"Organization","id":"o1","meta":{"versionId":")" +
           v2 + R"("}}}]})";
  };
  IngestRun broken("b.json", bundle("1", "1"), "application/fhir+json");
  EXPECT_EQ(broken.withRule("HUB-BDL-07").size(), 1u);
  IngestRun kept("b.json", bundle("1", "2"), "application/fhir+json");
  EXPECT_TRUE(kept.withRule("HUB-BDL-07").empty());
}

TEST(Ingest, MalformedCprIsAnErrorAndMasked_HUB_CPR_02) {
  const std::string p =
      R"({"resourceType":"Patient","id":"p","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"3102801234"}]})";
  IngestRun r("p.json", p, "application/fhir+json");
  const auto d = r.withRule("HUB-CPR-02");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->citizen, "3102**-****");
  EXPECT_EQ(d[0]->message.find("3102801234"), std::string::npos);
  IngestRun ok("p.json", R"({"resourceType":"Patient","id":"p","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":"3101801234"}]})",
         "application/fhir+json");
  EXPECT_TRUE(ok.withRule("HUB-CPR-02").empty());
}

TEST(Ingest, LaterVersionReplacesEarlier_HUB_INGEST_13) {
  // Loose resources: the newer meta.lastUpdated wins even when it comes first.
  const std::string nd =
      R"({"resourceType":"Patient","id":"p","meta":{"lastUpdated":"2026-05-02T10:00:00Z"},"name":[{"family":"New"}]})" "\n"
      R"({"resourceType":"Patient","id":"p","meta":{"lastUpdated":"2026-05-01T10:00:00Z"},"name":[{"family":"Old"}]})" "\n"
      R"({"resourceType":"Patient","id":"q","name":[{"family":"First"}]})" "\n"
      R"({"resourceType":"Patient","id":"q","name":[{"family":"Second"}]})" "\n";
  IngestRun r("v.ndjson", nd, "application/fhir+ndjson");
  ASSERT_EQ(r.capture.citizens.size(), 2u);
  std::map<std::string, std::string> names;
  for (const auto& c : r.capture.citizens) names[c.resourceId] = c.name;
  EXPECT_EQ(names["p"], "New");
  EXPECT_EQ(names["q"], "Second");
  EXPECT_EQ(r.withRule("HUB-INGEST-13").size(), 2u);
}

TEST(Ingest, CitizensAreEmittedAtTheEndOfTheInputInPatientOrder) {
  // A later document may still add to any citizen (CONTRACT §1 "Deltas").
  std::string nd;
  for (int i = 0; i < 3; ++i)
    nd += R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p)" +
          std::to_string(i) + R"("}}]})" "\n";
  IngestRun r("s.ndjson", nd, "application/fhir+ndjson");
  const std::vector<std::string> expected = {"source", "source", "source", "citizen", "citizen", "citizen"};
  EXPECT_EQ(r.capture.events, expected);
  ASSERT_EQ(r.capture.citizens.size(), 3u);
  EXPECT_EQ(r.capture.citizens[0].resourceId, "p0");
  EXPECT_EQ(r.capture.citizens[2].resourceId, "p2");
}

TEST(Ingest, ReferencesResolveByLiteralUrnAndAbsoluteUrl) {
  const std::string b = R"({"resourceType":"Bundle","type":"collection","entry":[
    {"fullUrl":"https://kommune.test/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1"}},
    {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222","resource":{"resourceType":"EpisodeOfCare","id":"e1",
       "patient":{"reference":"https://kommune.test/fhir/Patient/p1"}}},
    {"resource":{"resourceType":"EpisodeOfCare","id":"e2","patient":{"reference":"Patient/p1"}}},
    {"resource":{"resourceType":"QuestionnaireResponse","id":"q1","subject":{"reference":"Patient/p1"},
       "questionnaire":"urn:reghub:smdb:ANM","status":"completed",
       "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare",
                     "valueReference":{"reference":"urn:uuid:22222222-2222-4222-8222-222222222222"}}]}}]})";
  IngestRun r("refs.json", b, "application/fhir+json");
  EXPECT_EQ(r.errors(), 0);
  ASSERT_EQ(r.capture.citizens.size(), 1u);
  ASSERT_EQ(r.capture.citizens[0].forloeb.size(), 2u);
  EXPECT_EQ(r.capture.citizens[0].forloeb[0].forms.size(), 1u);
}

TEST(Ingest, StdinIsSniffedAsNdjson) {
  // readBuffer with no content type sniffs like stdin: many lines of JSON.
  const std::string nd = R"({"resourceType":"Patient","id":"a"})" "\n" R"({"resourceType":"Patient","id":"b"})" "\n";
  IngestRun r("-", nd, "application/fhir+ndjson");
  EXPECT_EQ(r.capture.citizens.size(), 2u);
}

}  // namespace

namespace {
TEST(Ingest, UsedElementOfTheWrongJsonShapeIsAnError_HUB_FHIR_01) {
  IngestRun bad("p.json", R"({"resourceType":"Patient","id":"p","identifier":{"system":"x","value":"1"},"active":"yes"})",
                "application/fhir+json");
  const auto d = bad.withRule("HUB-FHIR-01");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0]->path, "Patient.identifier");
  EXPECT_NE(d[0]->message.find("must be an array"), std::string::npos);
  IngestRun good("p.json", R"({"resourceType":"Patient","id":"p","identifier":[],"active":true})", "application/fhir+json");
  EXPECT_TRUE(good.withRule("HUB-FHIR-01").empty());
}
}  // namespace
