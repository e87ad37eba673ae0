// hub/ingest: one run is one input (CONTRACT §1 "Deltas") — resources join
// their citizen across documents, in any order, with bounded memory. Rule
// ids are the HUB-… ids of docs/DIAGNOSTICS.md. All CPR numbers are synthetic.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "hub/ingest/ingest.h"

namespace {

using reghub::diag::Collector;
using reghub::diag::Severity;
using reghub::model::Citizen;

struct Capture final : reghub::ingest::Observer {
  std::vector<Citizen> citizens;
  void onCitizen(Citizen&& c) override { citizens.push_back(std::move(c)); }
};

// Documents, each read as its own buffer (as separate files would be).
struct DeltaRun {
  Capture capture;
  Collector diags;
  size_t spilled = 0;
  explicit DeltaRun(const std::vector<std::string>& docs, size_t budget = 48u << 20) {
    reghub::ingest::Limits limits;
    limits.memoryBudgetBytes = budget;
    reghub::ingest::Ingestor in(capture, reghub::diag::Reporter(diags), limits);
    int n = 0;
    for (const auto& d : docs) in.readBuffer("day" + std::to_string(++n) + ".json", d, "application/fhir+json");
    in.finish();
    spilled = in.resourcesSpilled();
  }
  size_t count(const std::string& rule) const {
    return static_cast<size_t>(std::count_if(diags.diagnostics().begin(), diags.diagnostics().end(),
                                             [&](const auto& d) { return d.rule == rule; }));
  }
  size_t forms() const {
    size_t n = 0;
    for (const auto& c : citizens())
      for (const auto& f : c.forloeb) n += f.forms.size();
    return n;
  }
  const std::vector<Citizen>& citizens() const { return capture.citizens; }
};

std::string patient(const std::string& id, const std::string& cpr, const std::string& extra = "") {
  return R"({"resourceType":"Patient","id":")" + id +
         R"(","identifier":[{"system":"urn:oid:1.2.208.176.1.2","value":")" + cpr + R"("}])" + extra + "}";
}
std::string episode(const std::string& id, const std::string& patientRef) {
  return R"({"resourceType":"EpisodeOfCare","id":")" + id + R"(","status":"active","patient":{"reference":")" +
         patientRef + R"("}})";
}
std::string skema(const std::string& id, const std::string& patientRef, const std::string& episodeRef,
                  const std::string& meta = "") {
  std::string s = R"({"resourceType":"QuestionnaireResponse","id":")" + id + R"(",)" + meta +
                  R"("questionnaire":"urn:reghub:smdb:ANM","status":"completed",)";
  if (!patientRef.empty()) s += R"("subject":{"reference":")" + patientRef + R"("},)";
  s += R"("extension":[{"url":"http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare",)"
       R"("valueReference":{"reference":")" + episodeRef + R"("}}]})";
  return s;
}
std::string bundle(const std::vector<std::string>& resources) {
  std::string b = R"({"resourceType":"Bundle","type":"collection","entry":[)";
  for (size_t i = 0; i < resources.size(); ++i) b += (i ? "," : "") + std::string(R"({"resource":)") + resources[i] + "}";
  return b + "]}";
}

TEST(IngestDeltas, SkemaInALaterDocumentJoinsTheCitizenOfAnEarlierBundle) {
  DeltaRun r({bundle({patient("p1", "0101901235"), episode("e1", "Patient/p1")}), skema("q1", "Patient/p1", "EpisodeOfCare/e1"),
         bundle({skema("q2", "Patient/p1", "EpisodeOfCare/e1")})});
  EXPECT_EQ(r.count("HUB-REF-01"), 0u);
  ASSERT_EQ(r.citizens().size(), 1u);
  ASSERT_EQ(r.citizens()[0].forloeb.size(), 1u);
  EXPECT_EQ(r.citizens()[0].forloeb[0].forms.size(), 2u);
}

TEST(IngestDeltas, ResourcesBeforeTheirPatientJoinIt) {
  DeltaRun r({skema("q1", "Patient/p1", "EpisodeOfCare/e1"), episode("e1", "Patient/p1"), patient("p1", "0101901235")});
  EXPECT_EQ(r.count("HUB-REF-01"), 0u);
  ASSERT_EQ(r.citizens().size(), 1u);
  EXPECT_EQ(r.forms(), 1u);
}

TEST(IngestDeltas, AbsoluteUrlReferenceJoinsAcrossDocuments) {
  DeltaRun r({bundle({patient("p1", "0101901235")}), episode("e1", "https://sag.kommune.test/fhir/Patient/p1")});
  EXPECT_EQ(r.count("HUB-REF-01"), 0u);
  ASSERT_EQ(r.citizens().size(), 1u);
  EXPECT_EQ(r.citizens()[0].forloeb.size(), 1u);
}

TEST(IngestDeltas, TwoPatientsWithTheSameCprAreOneCitizen) {
  // Two source systems, each with its own Patient id for the same person.
  DeltaRun r({bundle({patient("a", "0101901235"), episode("ea", "Patient/a")}),
         bundle({patient("b", "0101901235"), episode("eb", "Patient/b")}), patient("c", "0202901234")});
  ASSERT_EQ(r.citizens().size(), 2u);
  EXPECT_EQ(r.citizens()[0].forloeb.size(), 2u);
  EXPECT_EQ(r.citizens()[1].forloeb.size(), 0u);
}

TEST(IngestDeltas, PatientsWithoutCprStayApart) {
  DeltaRun r({R"({"resourceType":"Patient","id":"a"})", R"({"resourceType":"Patient","id":"b"})"});
  EXPECT_EQ(r.citizens().size(), 2u);
}

TEST(IngestDeltas, SkemaNamingNoPatientJoinsThroughItsForloebInAnotherDocument) {
  DeltaRun r({bundle({patient("p1", "0101901235"), episode("e1", "Patient/p1")}), skema("q1", "", "EpisodeOfCare/e1")});
  EXPECT_EQ(r.count("HUB-REF-01"), 0u);
  EXPECT_EQ(r.forms(), 1u);
}

TEST(IngestDeltas, PatientInNoDocumentOfTheRunIsHubRef01) {
  DeltaRun r({episode("e1", "Patient/missing")});
  EXPECT_EQ(r.count("HUB-REF-01"), 1u);
  EXPECT_TRUE(r.citizens().empty());
  // The message says what to send.
  EXPECT_NE(r.diags.diagnostics()[0].message.find("Patient/missing"), std::string::npos);
}

TEST(IngestDeltas, SkemaOfAnotherCitizensForloebIsHubRef01) {
  DeltaRun r({bundle({patient("p1", "0101901235"), episode("e1", "Patient/p1"), patient("p2", "0202901234")}),
         skema("q1", "Patient/p2", "EpisodeOfCare/e1")});
  EXPECT_EQ(r.count("HUB-REF-01"), 1u);
  EXPECT_EQ(r.forms(), 0u);
}

TEST(IngestDeltas, OlderVersionArrivingLateIsIgnoredWithInfo_HUB_INGEST_13) {
  const std::string newer = R"("meta":{"lastUpdated":"2026-05-02T10:00:00Z"},"name":[{"family":"Ny"}])";
  const std::string older = R"("meta":{"lastUpdated":"2026-05-01T10:00:00Z"},"name":[{"family":"Gammel"}])";
  DeltaRun r({patient("p1", "0101901235", "," + newer), patient("p1", "0101901235", "," + older)});
  ASSERT_EQ(r.citizens().size(), 1u);
  EXPECT_EQ(r.citizens()[0].name, "Ny");
  EXPECT_EQ(r.count("HUB-INGEST-13"), 1u);
  for (const auto& d : r.diags.diagnostics())
    if (d.rule == "HUB-INGEST-13") {
      EXPECT_EQ(d.severity, Severity::kInfo);
      EXPECT_NE(d.message.find("older"), std::string::npos);
    }
}

TEST(IngestDeltas, HigherVersionIdWinsWhenNoLastUpdated) {
  DeltaRun r({patient("p1", "0101901235", R"(,"meta":{"versionId":"3"},"name":[{"family":"Tre"}])"),
         patient("p1", "0101901235", R"(,"meta":{"versionId":"2"},"name":[{"family":"To"}])")});
  ASSERT_EQ(r.citizens().size(), 1u);
  EXPECT_EQ(r.citizens()[0].name, "Tre");
  // Opaque version ids say nothing: the later arrival wins.
  DeltaRun o({patient("p1", "0101901235", R"(,"meta":{"versionId":"b"},"name":[{"family":"B"}])"),
         patient("p1", "0101901235", R"(,"meta":{"versionId":"a"},"name":[{"family":"A"}])")});
  EXPECT_EQ(o.citizens()[0].name, "A");
}

TEST(IngestDeltas, ChangedSkemaReplacesTheEarlierVersionInPlace) {
  const std::string v1 = R"("meta":{"lastUpdated":"2026-05-01T10:00:00Z"},)";
  const std::string v2 = R"("meta":{"lastUpdated":"2026-05-03T10:00:00Z"},)";
  DeltaRun r({bundle({patient("p1", "0101901235"), episode("e1", "Patient/p1"), skema("q1", "Patient/p1", "EpisodeOfCare/e1", v1)}),
         skema("q1", "Patient/p1", "EpisodeOfCare/e1", v2)});
  EXPECT_EQ(r.forms(), 1u);
  ASSERT_EQ(r.citizens().size(), 1u);
  const auto& form = r.citizens()[0].forloeb[0].forms[0];
  ASSERT_TRUE(form.source.lastUpdated.has_value());
  EXPECT_EQ(form.source.lastUpdated->copenhagenDate().iso(), "2026-05-03");
}

// The same day files, shuffled, with a budget so small that nearly every
// resource goes to the spill file: the same citizens come out.
TEST(IngestDeltas, SpillingPastTheBudgetGivesTheSameCitizens) {
  std::vector<std::string> docs;
  for (int i = 0; i < 40; ++i) {
    const std::string p = "p" + std::to_string(i), e = "e" + std::to_string(i);
    char cpr[11];
    std::snprintf(cpr, sizeof cpr, "%02d01901235", 1 + i % 28);
    docs.push_back(bundle({patient(p, cpr), episode(e, "Patient/" + p)}));
    for (int k = 0; k < 3; ++k) docs.push_back(skema("q" + std::to_string(i) + "-" + std::to_string(k), "Patient/" + p, "EpisodeOfCare/" + e));
    docs.push_back(skema("o" + std::to_string(i), "", "EpisodeOfCare/" + e));  // names no Patient
  }
  docs.push_back(skema("dangling", "Patient/none", "EpisodeOfCare/none"));
  std::reverse(docs.begin(), docs.end());  // skemas before their Patients
  DeltaRun memory(docs);
  DeltaRun spilled(docs, 1024);
  EXPECT_EQ(memory.spilled, 0u);
  EXPECT_GT(spilled.spilled, 100u);
  ASSERT_EQ(memory.citizens().size(), spilled.citizens().size());
  EXPECT_EQ(memory.forms(), spilled.forms());
  EXPECT_EQ(spilled.forms(), 28u * 4u + 12u * 4u);  // 40 citizens × 4 skemas; same-CPR citizens merge
  EXPECT_EQ(memory.count("HUB-REF-01"), 1u);
  EXPECT_EQ(spilled.count("HUB-REF-01"), 1u);
  EXPECT_EQ(memory.diags.diagnostics().size(), spilled.diags.diagnostics().size());
}

}  // namespace

namespace {

// An observer that streams: provisional citizens are counted at once and
// kept until committed; a retraction drops them.
struct Streaming final : reghub::ingest::Observer {
  std::map<uint64_t, Citizen> staged;
  std::vector<Citizen> done;  // committed or final, in the order they became so
  size_t provisional = 0, retracted = 0;
  void onCitizen(Citizen&& c) override { done.push_back(std::move(c)); }
  bool takesProvisional() const override { return true; }
  void onProvisional(Citizen&& c, uint64_t tag) override {
    ++provisional;
    staged.emplace(tag, std::move(c));
  }
  void onRetract(uint64_t tag) override {
    ++retracted;
    staged.erase(tag);
  }
  void onCommit(uint64_t tag) override {
    done.push_back(std::move(staged.at(tag)));
    staged.erase(tag);
  }
};

struct StreamRun {
  Streaming obs;
  Collector diags;
  explicit StreamRun(const std::vector<std::string>& docs) {
    reghub::ingest::Ingestor in(obs, reghub::diag::Reporter(diags));
    for (const auto& d : docs) in.readBuffer("day.json", d, "application/fhir+json");
    in.finish();
  }
  size_t forms() const {
    size_t n = 0;
    for (const auto& c : obs.done)
      for (const auto& f : c.forloeb) n += f.forms.size();
    return n;
  }
};

std::vector<std::string> ids(const std::vector<Citizen>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(c.resourceId);
  return out;
}

TEST(IngestStreaming, WholeBundlesAreHandedOverAtOnceAndCommittedAtTheEnd) {
  std::vector<std::string> docs;
  for (int i = 0; i < 5; ++i) {
    const std::string p = "p" + std::to_string(i), e = "e" + std::to_string(i);
    char cpr[11];
    std::snprintf(cpr, sizeof cpr, "%02d01901235", i + 1);
    docs.push_back(bundle({patient(p, cpr), episode(e, "Patient/" + p), skema("q" + std::to_string(i), "Patient/" + p, "EpisodeOfCare/" + e)}));
  }
  StreamRun s(docs);
  EXPECT_EQ(s.obs.provisional, 5u);
  EXPECT_EQ(s.obs.retracted, 0u);
  EXPECT_TRUE(s.obs.staged.empty()) << "every provisional citizen is committed at the end";
  EXPECT_EQ(ids(s.obs.done), (std::vector<std::string>{"p0", "p1", "p2", "p3", "p4"}));
  EXPECT_EQ(s.forms(), 5u);
}

TEST(IngestStreaming, ALaterSkemaRetractsTheCitizenWhichComesAgainWhole) {
  const std::vector<std::string> docs = {
      bundle({patient("p1", "0101901235"), episode("e1", "Patient/p1"), skema("q1", "Patient/p1", "EpisodeOfCare/e1")}),
      bundle({patient("p2", "0202901234"), episode("e2", "Patient/p2")}),
      skema("q2", "Patient/p1", "EpisodeOfCare/e1"),  // day 2, for p1
      skema("q3", "", "EpisodeOfCare/e2")};            // names no Patient: through its forløb
  StreamRun s(docs);
  DeltaRun held(docs);
  EXPECT_EQ(s.obs.provisional, 2u);
  EXPECT_EQ(s.obs.retracted, 2u);
  EXPECT_EQ(ids(s.obs.done), ids(held.citizens())) << "the same citizens, in the same order, as holding everything";
  EXPECT_EQ(s.forms(), 3u);
  EXPECT_EQ(s.diags.diagnostics().size(), held.diags.diagnostics().size());
  EXPECT_EQ(s.diags.count(Severity::kError), 0);
}

TEST(IngestStreaming, APatientWithTheSameCprLaterRetracts) {
  const std::vector<std::string> docs = {bundle({patient("a", "0101901235"), episode("ea", "Patient/a")}),
                                         bundle({patient("b", "0101901235"), episode("eb", "Patient/b")})};
  StreamRun s(docs);
  EXPECT_EQ(s.obs.retracted, 1u);
  ASSERT_EQ(s.obs.done.size(), 1u);
  EXPECT_EQ(s.obs.done[0].forloeb.size(), 2u);
}

TEST(IngestStreaming, ABundleThatIsNotWholeIsHeld) {
  // The skema's forløb is not in its Bundle: nothing is handed over early.
  const std::vector<std::string> docs = {bundle({patient("p1", "0101901235"), skema("q1", "Patient/p1", "EpisodeOfCare/e1")}),
                                         episode("e1", "Patient/p1")};
  StreamRun s(docs);
  EXPECT_EQ(s.obs.provisional, 0u);
  EXPECT_EQ(s.forms(), 1u);
  EXPECT_EQ(s.diags.count(Severity::kError), 0);
}

TEST(IngestStreaming, ARetractedCitizenIsReadAgainFromItsFile) {
  const std::string dir = ::testing::TempDir() + "/reghub-streaming";
  std::filesystem::create_directories(dir);
  const std::string day1 = dir + "/day1.ndjson", day2 = dir + "/day2.json";
  {
    std::ofstream(day1) << bundle({patient("p1", "0101901235"), episode("e1", "Patient/p1")}) << "\n"
                        << bundle({patient("p2", "0202901234"), episode("e2", "Patient/p2")}) << "\n";
    std::ofstream(day2) << skema("q1", "Patient/p2", "EpisodeOfCare/e2");
  }
  Streaming obs;
  Collector diags;
  {
    reghub::ingest::Ingestor in(obs, reghub::diag::Reporter(diags));
    in.readPath(day1);
    in.readPath(day2);
    in.finish();
  }
  EXPECT_EQ(obs.retracted, 1u);
  ASSERT_EQ(obs.done.size(), 2u);
  EXPECT_EQ(obs.done[1].resourceId, "p2");
  ASSERT_EQ(obs.done[1].forloeb.size(), 1u);
  EXPECT_EQ(obs.done[1].forloeb[0].forms.size(), 1u);
  EXPECT_EQ(diags.count(Severity::kError), 0);
  std::filesystem::remove_all(dir);
}


// What the store keeps of a Patient names its managing organization only: a
// Patient naming its GP's clinic (generalPractitioner) and no managing
// organization keeps none, so a delta rendered from the store cannot take
// the clinic's SOR for the citizen's (the SOR the registries report).
struct Records final : reghub::ingest::Observer {
  std::vector<reghub::state::ResourceRecord> records;
  void onCitizen(Citizen&&) override {}
  bool collectsResources() const override { return true; }
  void onResource(reghub::state::ResourceRecord&& r) override { records.push_back(std::move(r)); }
};

TEST(Deltas, APatientsStoredOrganizationIsItsManagingOneNeverItsGp) {
  const auto run = [](const std::string& extra) {
    Records out;
    Collector diags;
    reghub::ingest::Ingestor in(out, reghub::diag::Reporter(diags), {});
    in.readBuffer("day1.json",
                  R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Organization","id":"gp","identifier":[{"system":"urn:oid:1.2.208.176.1.1","value":"123456789012345"}]}},{"resource":)" +
                      patient("p1", "0101585051", extra) + "}]}",
                  "application/fhir+json");
    in.finish();
    for (const auto& r : out.records)
      if (r.type == "Patient") return r.orgKey;
    return std::string("(no Patient)");
  };
  EXPECT_EQ(run(R"(,"generalPractitioner":[{"reference":"Organization/gp"}])"), "");
  EXPECT_EQ(run(R"(,"managingOrganization":{"reference":"Organization/gp"})"), "Organization/gp");  // the control
}

}  // namespace
