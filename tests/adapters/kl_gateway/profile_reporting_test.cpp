// What the profile validator reports beside the constraint kinds of
// profile_cases/: ReportingOptions::rootCauseOnce (a failure reported at the
// resource is not reported again where it is referred to), maxLength and the
// types of a choice element. The last two need a profile that states them:
// LTT's (profiles/ltt, DK-core's CPR identifier reconstructed in
// profiles/ltt/parents), a second KL IG on the same machinery.
#include <gtest/gtest.h>

#include <rapidjson/pointer.h>

#include <string>

#include "adapters/kl_gateway/profile_validator.h"
#include "tests/adapters/kl_gateway/profile_test_util.h"

namespace reghub::kl_gateway {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const ProfileSet> lttProfiles() {
  static const auto set = ProfileSet::load(std::vector<std::string>{(test::sourceDir() / "profiles/ltt/ig").string(),
                                                                    (test::sourceDir() / "profiles/ltt/parents").string()},
                                           (test::sourceDir() / "mapping/ltt/terminology.json").string(),
                                           (test::sourceDir() / "profiles/fhir-r4/core.json").string());
  return set;
}

std::vector<diag::Diagnostic> run(const ProfileValidator& v, const rapidjson::Value& doc) {
  diag::Collector sink;
  v.validate(doc, diag::Reporter(sink, "kl_gateway"));
  return sink.take();
}

int count(const std::vector<diag::Diagnostic>& ds, const std::string& rule, const std::string& pathEnd = "") {
  int n = 0;
  for (const auto& d : ds)
    n += d.rule == rule && (pathEnd.empty() || (d.path.size() >= pathEnd.size() &&
                                                d.path.compare(d.path.size() - pathEnd.size(), pathEnd.size(), pathEnd) == 0));
  return n;
}

rapidjson::Document josefine() {
  return test::readJson(fs::path(REGHUB_SHARED_DIR) / "reference/ltt/examples/DeliveryReport-Josefine-1.json");
}

// The § 140 report whose Condition claims a foreign profile: its
// ServiceRequest fails the reasonReference's target, and the CarePlan based
// on that ServiceRequest fails in turn (report-2). Reported once, only the
// first: the ServiceRequest claims its profile and reports its own error.
TEST(ProfileReporting, TheRootCauseIsReportedOnce) {
  const auto doc = test::readJson(test::sourceDir() /
                                  "tests/adapters/kl_gateway/profile_cases/gateway-140-report-1__break_foreign_condition/input.json");
  const auto all = run(ProfileValidator(test::rehabProfiles()), doc);
  const auto once = run(ProfileValidator(test::rehabProfiles(), kCoreRules, ReportingOptions{true}), doc);
  EXPECT_EQ(count(all, kRuleReference, ".entry[5].resource.extension[0].valueReference"), 2) << test::show(all);
  EXPECT_EQ(count(all, "gateway-140-report-2"), 1) << test::show(all);
  EXPECT_EQ(count(once, kRuleReference, ".entry[5].resource.extension[0].valueReference"), 0) << test::show(once);
  EXPECT_EQ(count(once, "gateway-140-report-2"), 0) << test::show(once);
  // The reference to the Condition, which does not claim the target profile, stays.
  EXPECT_EQ(count(once, kRuleReference, ".entry[4].resource.reasonReference[0]"), 1) << test::show(once);
}

// A referred resource that does not claim the profile it must conform to is
// not excused: the reference reports it.
TEST(ProfileReporting, AResourceNotClaimingTheProfileIsReportedWhereReferred) {
  auto doc = josefine();
  rapidjson::Value* patient = rapidjson::Pointer("/entry/0/resource").Get(doc);
  ASSERT_TRUE(patient && std::string((*patient)["resourceType"].GetString()) == "Patient");
  (*patient)["meta"]["profile"].Clear();
  (*patient).AddMember("gender", "female", doc.GetAllocator());  // 0..0 in klgateway-ltt-citizen
  const auto once = run(ProfileValidator(lttProfiles(), kCoreRules, ReportingOptions{true}), doc);
  EXPECT_GE(count(once, kRuleReference), 1) << test::show(once);
  EXPECT_EQ(count(once, kRuleCardinality, "Bundle/" + std::string(doc["id"].GetString())), 1) << test::show(once);
}

TEST(ProfileReporting, AStringLongerThanMaxLengthIsAnError) {
  auto doc = josefine();
  const auto clean = run(ProfileValidator(lttProfiles()), doc);
  EXPECT_EQ(count(clean, kRuleLength), 0) << test::show(clean);
  rapidjson::Value* value = rapidjson::Pointer("/entry/0/resource/identifier/0/value").Get(doc);
  ASSERT_TRUE(value && value->IsString());
  value->SetString((std::string(value->GetString()) + "1").c_str(), doc.GetAllocator());
  const auto found = run(ProfileValidator(lttProfiles()), doc);
  EXPECT_EQ(count(found, kRuleLength, ".entry[0].resource.identifier[0].value"), 1) << test::show(found);
}

TEST(ProfileReporting, AChoiceOfATypeTheProfileDoesNotAllowIsAnError) {
  // A Behandling contact, with its deliveryType extension.
  auto doc = test::readJson(test::sourceDir() / "tests/adapters/ltt/cases/LTT-EXT-01__keep_codeable_concept/input.json");
  rapidjson::Value* exts = nullptr;
  for (auto& e : doc["entry"].GetArray())
    if (std::string(e["resource"]["resourceType"].GetString()) == "Encounter") exts = &e["resource"]["extension"];
  ASSERT_TRUE(exts && exts->IsArray());
  int delivery = -1;
  for (rapidjson::SizeType i = 0; i < exts->Size(); ++i)
    if (std::string((*exts)[i]["url"].GetString()).find("delivery-type") != std::string::npos) delivery = static_cast<int>(i);
  ASSERT_GE(delivery, 0);
  const auto clean = run(ProfileValidator(lttProfiles()), doc);
  EXPECT_EQ(count(clean, kRuleType), 0) << test::show(clean);
  rapidjson::Value& ext = (*exts)[static_cast<rapidjson::SizeType>(delivery)];
  rapidjson::Value coding(ext["valueCodeableConcept"]["coding"][0], doc.GetAllocator());
  ext.RemoveMember("valueCodeableConcept");
  ext.AddMember("valueCoding", coding, doc.GetAllocator());
  const auto found = run(ProfileValidator(lttProfiles()), doc);
  EXPECT_EQ(count(found, kRuleType, ".extension[" + std::to_string(delivery) + "].valueCoding"), 1) << test::show(found);
}

}  // namespace
}  // namespace reghub::kl_gateway
