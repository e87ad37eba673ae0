// The § 140 IG's profiles (profiles/rehab) load and pass their own examples:
// all 20 example instances of the IG validate with no error and no warning
// against the profiles they claim (bundle entries too, each in its report).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "adapters/kl_gateway/profile_validator.h"
#include "tests/adapters/kl_gateway/profile_test_util.h"

namespace reghub::kl_gateway {
namespace {

namespace fs = std::filesystem;

TEST(RehabProfiles, LoadEveryProfileAndExtensionOfTheIg) {
  const auto set = test::rehabProfiles();
  size_t ig = 0, invariants = 0, parents = 0;
  for (const auto& [url, p] : set->profiles()) {
    if (url.rfind("http://fhir.kl.dk/rehab/", 0) != 0) {
      ++parents;
      continue;
    }
    ++ig;
    invariants += p.invariants.size();
  }
  EXPECT_EQ(ig, 14u);
  EXPECT_EQ(invariants, 6u);  // the IG's six: care-plan-1, intervention-1/2, report-1/2, service-request-1
  EXPECT_EQ(parents, 6u);     // profiles/rehab/parents: DK-core in part, from RULES.md
  EXPECT_EQ(set->terminology().size(), 9u);
}

// The slices DK-core 3.2.0 defines whose systems the extract does not state:
// their rules are not checked, and this list says exactly which (README).
TEST(RehabProfiles, SlicesOfTheDkCoreParentsAreListedAsUnchecked) {
  // (cpr, SOR-ID, KOMBIT-ORG-ID and SKS-D are checked: profiles/rehab/parents)
  const std::vector<std::string> expected = {
      "klgateway-140-focus-condition: Condition.extension:dueTo",
      "klgateway-140-focus-condition: Condition.extension:conditionLastAssertedDate",
      "klgateway-140-focus-condition: Condition.extension:notFollowedAnymore",
      "klgateway-140-focus-condition: Condition.code.coding:FSIIIConditionCode",
      "klgateway-140-focus-condition: Condition.code.coding:SCTConditionCode",
      "klgateway-140-focus-condition: Condition.code.coding:FFBConditionCode",
      "klgateway-140-focus-condition: Condition.code.coding:ICPC2code",
      "klgateway-140-citizen: Patient.identifier:x-ecpr",
      "klgateway-140-citizen: Patient.identifier:d-ecpr",
      "klgateway-140-citizen: Patient.name:official",
      "klgateway-140-citizen: Patient.generalPractitioner:referencedSORUnit",
      "klgateway-140-organization: Organization.identifier:EAN-ID",
      "klgateway-140-organization: Organization.identifier:Ydernummer",
      "klgateway-140-organization: Organization.identifier:CVR-ID",
      "klgateway-140-organization: Organization.identifier:Kommunekode",
      "klgateway-140-organization: Organization.identifier:Regionskode",
  };
  std::vector<std::string> got = test::rehabProfiles()->uncheckedSlices();
  std::vector<std::string> want = expected;
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST(RehabExamples, EveryIgExampleValidatesWithoutErrorOrWarning) {
  const ProfileValidator v(test::rehabProfiles());
  size_t examples = 0;
  for (const auto& f : fs::directory_iterator(test::rehabReference() / "examples")) {
    if (f.path().extension() != ".json") continue;
    ++examples;
    const auto doc = test::readJson(f.path());
    // Each claims a profile of the IG (so the check below is not vacuous).
    ASSERT_TRUE(doc.HasMember("meta")) << f.path();
    ASSERT_NE(v.profiles().find(doc["meta"]["profile"][0].GetString()), nullptr) << f.path();
    diag::Collector sink;
    v.validate(doc, diag::Reporter(sink, "kl_gateway").withFile(f.path().filename().string()));
    EXPECT_EQ(sink.count(diag::Severity::kError) + sink.count(diag::Severity::kWarning), 0)
        << f.path().filename() << "\n" << test::show(sink.diagnostics());
  }
  EXPECT_EQ(examples, 20u);
}

}  // namespace
}  // namespace reghub::kl_gateway

namespace reghub::kl_gateway {
namespace {

// memberOf() over the bundled terminology: a Coding, a CodeableConcept (one
// of its codings) and a bare code are members or not.
TEST(RehabTerminology, MemberOfCodingCodeableConceptAndCode) {
  const Terminology& t = test::rehabProfiles()->terminology();
  const std::string vs = "http://fhir.kl.dk/rehab/ValueSet/CarePlanCategories140";
  rapidjson::Document in, out;
  in.Parse(R"({"coding":[{"system":"urn:x","code":"1"},{"system":"http://fhir.kl.dk/term/CodeSystem/CareSocialCodes","code":"4863001e-14c7-4be8-a2da-e4f21a4b6ac4"}]})");
  out.Parse(R"({"coding":[{"system":"urn:oid:1.2.208.176.2.21","code":"4863001e-14c7-4be8-a2da-e4f21a4b6ac4"}]})");
  EXPECT_TRUE(t.memberOf(in, vs));
  EXPECT_FALSE(t.memberOf(out, vs));  // the right code in the wrong system
  EXPECT_TRUE(t.memberOf(in["coding"][1], vs));
  EXPECT_FALSE(t.memberOf(in["coding"][0], vs));
  EXPECT_TRUE(t.memberOf(in["coding"][1]["code"], vs));
  EXPECT_FALSE(t.memberOf(in["coding"][0]["code"], vs));
  EXPECT_FALSE(t.memberOf(in, "http://fhir.kl.dk/rehab/ValueSet/NoSuchSet"));
}

}  // namespace
}  // namespace reghub::kl_gateway

namespace reghub::kl_gateway {
namespace {

// The same machinery reads a second IG unchanged: LTT's compiled profiles
// (profiles/ltt/ig) and terminology (mapping/ltt/terminology.json) load, and
// all 13 LTT IG examples validate clean against them.
TEST(LttProfilesOnTheProfileValidator, EveryLttIgExampleValidatesClean) {
  const auto set = ProfileSet::load((test::sourceDir() / "profiles/ltt/ig").string(),
                                    (test::sourceDir() / "mapping/ltt/terminology.json").string(),
                                    (test::sourceDir() / "profiles/fhir-r4/core.json").string());
  EXPECT_EQ(set->profiles().size(), 8u);
  const ProfileValidator v(set);
  size_t examples = 0;
  for (const auto& f : fs::directory_iterator(fs::path(REGHUB_SHARED_DIR) / "reference/ltt/examples")) {
    if (f.path().extension() != ".json") continue;
    ++examples;
    const auto doc = test::readJson(f.path());
    ASSERT_NE(v.profiles().find(doc["meta"]["profile"][0].GetString()), nullptr) << f.path();
    diag::Collector sink;
    v.validate(doc, diag::Reporter(sink, "kl_gateway").withFile(f.path().filename().string()));
    EXPECT_EQ(sink.count(diag::Severity::kError) + sink.count(diag::Severity::kWarning), 0)
        << f.path().filename() << "\n" << test::show(sink.diagnostics());
  }
  EXPECT_EQ(examples, 13u);
}

}  // namespace
}  // namespace reghub::kl_gateway

namespace reghub::kl_gateway {
namespace {

// The R4 invariants of the report's resource types come from the generated
// core (profiles/fhir-r4/core.json) and are evaluated by FHIRPath; the rest
// are named — in C++ in core_validator.cpp, a data type's, or FHIRPath the
// engine lacks — and this list pins them.
TEST(RehabProfiles, R4InvariantsAreEvaluatedOrNamed) {
  const auto set = test::rehabProfiles();
  std::vector<std::string> evaluated;
  for (const auto& [type, invs] : set->coreInvariants())
    for (const Invariant& i : invs) evaluated.push_back(i.key);
  std::sort(evaluated.begin(), evaluated.end());
  EXPECT_EQ(evaluated, (std::vector<std::string>{"con-1", "con-2", "con-3", "con-4", "con-5", "org-1", "org-2", "org-3",
                                                 "pat-1", "prr-1"}));
  size_t inCpp = 0, dataType = 0;
  for (const std::string& u : set->unevaluatedCoreInvariants()) {
    if (u.find(": in C++ (core_validator.cpp)") != std::string::npos) ++inCpp;
    else if (u.find(": a data type's (") != std::string::npos) ++dataType;
    else ADD_FAILURE() << "an R4 invariant of a resource the engine cannot evaluate: " << u;
  }
  EXPECT_EQ(inCpp, 15u);     // ext-1 (twice: Extension and Element.extension), per-1, bdl-1..5/7..12, cpl-3
  EXPECT_EQ(dataType, 47u);  // Quantity, Timing, ElementDefinition, Narrative (txt-1/2: htmlChecks) …
}

}  // namespace
}  // namespace reghub::kl_gateway
