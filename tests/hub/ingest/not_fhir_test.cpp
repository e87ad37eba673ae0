// Issue 8 item 7: what is not FHIR R4 is unreadable (exit 2) — a
// resourceType that R4 does not define (HUB-INGEST-04), and a string over
// R4's 1 MB limit (HUB-INGEST-07) — for the document and every Bundle
// entry, in JSON, NDJSON and XML. The keep cases next to each break case.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hub/ingest/r4_types.h"
#include "tests/hub/ingest/ingest_run.h"

namespace {

using reghub::diag::Severity;
using reghub::ingest::kMaxFhirStringBytes;
using reghub::ingest::test::IngestRun;

std::string bundleOf(const std::string& entries) {
  return R"({"resourceType":"Bundle","type":"collection","entry":[)" + entries + "]}";
}
const std::string kPatient = R"({"resource":{"resourceType":"Patient","id":"p1"}})";

std::string xmlBundleOf(const std::string& resource) {
  return R"(<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/>)"
         R"(<entry><resource><Patient><id value="p1"/></Patient></resource></entry>)"
         "<entry><resource>" +
         resource + "</resource></entry></Bundle>";
}

// ---- the R4 resource types (profiles/fhir-r4/resource-types.txt) ----

TEST(R4ResourceTypes, ListHasEveryR4TypeAndNoOther) {
  const auto& all = reghub::ingest::r4ResourceTypes();
  EXPECT_EQ(all.size(), 146u);
  for (const char* t :
       {"Patient", "Bundle", "QuestionnaireResponse", "EpisodeOfCare", "CarePlan", "Encounter", "Organization",
        "Practitioner", "Parameters", "Binary", "OperationOutcome", "VisionPrescription"})
    EXPECT_TRUE(reghub::ingest::isR4ResourceType(t)) << t;
  for (const char* t : {"Patinet", "patient", "PATIENT", "Resource", "DomainResource", "", "Patient ", "BodySite"})
    EXPECT_FALSE(reghub::ingest::isR4ResourceType(t)) << t;
}

TEST(R4ResourceTypes, CompiledListIsTheDataFile) {
  std::ifstream in(std::string(REGHUB_SOURCE_DIR) + "/profiles/fhir-r4/resource-types.txt");
  ASSERT_TRUE(in);
  std::string line, header;
  std::getline(in, header);
  EXPECT_NE(header.find("FHIR R4 resource types"), std::string::npos) << "the first line says what the list is";
  std::vector<std::string> fromFile;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') fromFile.push_back(line);
  const auto& compiled = reghub::ingest::r4ResourceTypes();
  EXPECT_EQ(std::vector<std::string>(compiled.begin(), compiled.end()), fromFile);
}

TEST(R4ResourceTypes, ClosestTypeIsSuggestedOnlyWhenClose) {
  EXPECT_EQ(reghub::ingest::closestR4ResourceType("Patinet"), "Patient");
  EXPECT_EQ(reghub::ingest::closestR4ResourceType("patient"), "Patient");
  EXPECT_EQ(reghub::ingest::closestR4ResourceType("Encouter"), "Encounter");
  EXPECT_EQ(reghub::ingest::closestR4ResourceType("QuestionaireResponse"), "QuestionnaireResponse");
  EXPECT_EQ(reghub::ingest::closestR4ResourceType("Sagsakt"), "");
  EXPECT_EQ(reghub::ingest::closestR4ResourceType(std::string(500, 'P')), "");
}

// ---- HUB-INGEST-04: a resourceType that is not R4 ----

TEST(NotFhir, Ingest04_UnknownTopLevelTypeIsUnreadableAndSuggestsTheType) {
  IngestRun r("in.json", R"({"resourceType":"Patinet","id":"p1"})", "application/fhir+json");
  EXPECT_TRUE(r.unreadable);
  const auto d = r.withRule("HUB-INGEST-04");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->severity, Severity::kError);
  EXPECT_NE(d[0]->message.find("'Patinet' is not a FHIR R4 resource type"), std::string::npos) << d[0]->message;
  EXPECT_NE(d[0]->message.find("did you mean 'Patient'"), std::string::npos) << d[0]->message;
}

TEST(NotFhir, Ingest04_KnownTypesAreReadEvenWhenNoRegistryUsesThem) {
  IngestRun r("in.json", R"({"resourceType":"Observation","id":"o1"})", "application/fhir+json");
  EXPECT_FALSE(r.unreadable);
  EXPECT_EQ(r.errors(), 0);
  EXPECT_EQ(r.withRule("HUB-INGEST-11").size(), 1u);
}

TEST(NotFhir, Ingest04_UnknownTypeInABundleEntryRefusesTheDocumentNamingTheEntry) {
  IngestRun r("in.json", bundleOf(kPatient + R"(,{"resource":{"resourceType":"Patinet","id":"x"}})"),
              "application/fhir+json");
  EXPECT_TRUE(r.unreadable);
  const auto d = r.withRule("HUB-INGEST-04");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->path, "Bundle.entry[1].resource");
  EXPECT_NE(d[0]->message.find("did you mean 'Patient'"), std::string::npos);
  EXPECT_TRUE(r.capture.citizens.empty()) << "a document that is not FHIR is not used at all";
  EXPECT_TRUE(r.capture.events.empty()) << "nor shown to the adapters";
}

TEST(NotFhir, Ingest04_NestedBundleAndMissingTypeInEntriesAreFound) {
  const std::string nested =
      R"({"resource":{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"encounter"}}]}})";
  IngestRun r("in.json", bundleOf(kPatient + "," + nested + R"(,{"resource":{"id":"no-type"}})"),
              "application/fhir+json");
  EXPECT_TRUE(r.unreadable);
  const auto d = r.withRule("HUB-INGEST-04");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0]->path, "Bundle.entry[1].resource.entry[0].resource");
  EXPECT_NE(d[0]->message.find("did you mean 'Encounter'"), std::string::npos);
  EXPECT_EQ(d[1]->path, "Bundle.entry[2].resource");
  EXPECT_NE(d[1]->message.find("no \"resourceType\""), std::string::npos);
}

TEST(NotFhir, Ingest04_BundleOfKnownTypesIsRead) {
  IngestRun r("in.json", bundleOf(kPatient + R"(,{"resource":{"resourceType":"Practitioner","id":"pr1"}})"),
              "application/fhir+json");
  EXPECT_FALSE(r.unreadable);
  EXPECT_EQ(r.errors(), 0);
  EXPECT_EQ(r.capture.citizens.size(), 1u);
}

TEST(NotFhir, Ingest04_NdjsonLineWithUnknownTypeIsRefusedAndOtherLinesRead) {
  const std::string nd = R"({"resourceType":"Patient","id":"p1"})"
                         "\n"
                         R"({"resourceType":"Patinet","id":"p2"})"
                         "\n"
                         R"({"resourceType":"Patient","id":"p3"})"
                         "\n";
  IngestRun r("in.ndjson", nd, "application/fhir+ndjson");
  EXPECT_TRUE(r.unreadable);
  const auto d = r.withRule("HUB-INGEST-04");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->line, 2);
  EXPECT_EQ(r.capture.citizens.size(), 2u);
}

TEST(NotFhir, Ingest04_XmlUnknownTypeTopLevelAndInABundle) {
  IngestRun top("in.xml", R"(<Patinet xmlns="http://hl7.org/fhir"><id value="p1"/></Patinet>)", "application/fhir+xml");
  EXPECT_TRUE(top.unreadable);
  ASSERT_EQ(top.withRule("HUB-INGEST-04").size(), 1u);
  EXPECT_NE(top.withRule("HUB-INGEST-04")[0]->message.find("did you mean 'Patient'"), std::string::npos);

  IngestRun inner("in.xml", xmlBundleOf(R"(<Patinet><id value="x"/></Patinet>)"), "application/fhir+xml");
  EXPECT_TRUE(inner.unreadable);
  ASSERT_EQ(inner.withRule("HUB-INGEST-04").size(), 1u);
  EXPECT_EQ(inner.withRule("HUB-INGEST-04")[0]->path, "Bundle.entry[1].resource");

  IngestRun keep("in.xml", xmlBundleOf(R"(<Practitioner><id value="pr1"/></Practitioner>)"), "application/fhir+xml");
  EXPECT_FALSE(keep.unreadable);
  EXPECT_EQ(keep.errors(), 0);
  EXPECT_EQ(keep.capture.citizens.size(), 1u);
}

// ---- HUB-INGEST-07: a string over 1 MB ----

std::string patientWithFamily(size_t bytes) {
  return R"({"resourceType":"Patient","id":"p1","name":[{"family":")" + std::string(bytes, 'x') + R"("}]})";
}

TEST(NotFhir, Ingest07_StringOverOneMegabyteIsUnreadableNamingTheElement) {
  IngestRun r("in.json", patientWithFamily(kMaxFhirStringBytes + 1), "application/fhir+json");
  EXPECT_TRUE(r.unreadable);
  const auto d = r.withRule("HUB-INGEST-07");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->path, "Patient.name[0].family");
  EXPECT_NE(d[0]->message.find("Patient.name[0].family is 1048577 bytes"), std::string::npos)
      << d[0]->message.substr(0, 300);
  EXPECT_LT(d[0]->message.size(), 400u) << "the message never carries the string itself";
  EXPECT_TRUE(r.capture.citizens.empty());
}

TEST(NotFhir, Ingest07_StringOfExactlyOneMegabyteIsRead) {
  IngestRun r("in.json", patientWithFamily(kMaxFhirStringBytes), "application/fhir+json");
  EXPECT_FALSE(r.unreadable);
  EXPECT_EQ(r.errors(), 0);
  EXPECT_EQ(r.capture.citizens.size(), 1u);
}

TEST(NotFhir, Ingest07_LongStringInABundleEntryNamesBothPaths) {
  const std::string enc =
      R"({"resource":{"resourceType":"Encounter","id":"k1","subject":{"reference":"Patient/p1"},"note":[{"text":")" +
      std::string(kMaxFhirStringBytes + 10, 'n') + R"("}]}})";
  IngestRun r("in.json", bundleOf(kPatient + "," + enc), "application/fhir+json");
  EXPECT_TRUE(r.unreadable);
  const auto d = r.withRule("HUB-INGEST-07");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]->path, "Bundle.entry[1].resource.note[0].text");
  EXPECT_NE(d[0]->message.find("Encounter.note[0].text is"), std::string::npos);
}

// base64Binary and xhtml are not FHIR strings: attachments and narratives may be larger.
TEST(NotFhir, Ingest07_Base64AttachmentAndNarrativeOverOneMegabyteAreRead) {
  const std::string big(kMaxFhirStringBytes * 2, 'Q');
  const std::string p = R"({"resourceType":"Patient","id":"p1","photo":[{"contentType":"image/png","data":")" + big +
                        R"("}],"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">)" +
                        big + R"(</div>"},"extension":[{"url":"urn:x","valueBase64Binary":")" + big + R"("}]})";
  IngestRun r("in.json", p, "application/fhir+json");
  EXPECT_FALSE(r.unreadable);
  EXPECT_TRUE(r.withRule("HUB-INGEST-07").empty());
  EXPECT_EQ(r.capture.citizens.size(), 1u);
}

TEST(NotFhir, Ingest07_XmlValueOverOneMegabyteIsUnreadableAndOneMegabyteRead) {
  auto xml = [](size_t n) {
    return R"(<Patient xmlns="http://hl7.org/fhir"><id value="p1"/><name><family value=")" + std::string(n, 'x') +
           R"("/></name></Patient>)";
  };
  IngestRun bad("in.xml", xml(kMaxFhirStringBytes + 1), "application/fhir+xml");
  EXPECT_TRUE(bad.unreadable);
  ASSERT_EQ(bad.withRule("HUB-INGEST-07").size(), 1u);
  EXPECT_EQ(bad.withRule("HUB-INGEST-07")[0]->path, "Patient.name[0].family");

  IngestRun keep("in.xml", xml(kMaxFhirStringBytes), "application/fhir+xml");
  EXPECT_FALSE(keep.unreadable);
  EXPECT_EQ(keep.errors(), 0);

  IngestRun inBundle("in.xml",
                     xmlBundleOf(R"(<Encounter><id value="k1"/><note><text value=")" +
                                 std::string(kMaxFhirStringBytes + 1, 'n') + R"("/></note></Encounter>)"),
                     "application/fhir+xml");
  EXPECT_TRUE(inBundle.unreadable);
  ASSERT_EQ(inBundle.withRule("HUB-INGEST-07").size(), 1u);
  EXPECT_EQ(inBundle.withRule("HUB-INGEST-07")[0]->path, "Bundle.entry[1].resource.note[0].text");
}

}  // namespace
