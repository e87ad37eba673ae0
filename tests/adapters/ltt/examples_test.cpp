// Every example of the KL LTT IG (shared/reference/ltt/examples) passes
// LTT's validator with no error; a standalone resource its own profile.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "adapters/ltt/ltt_validator.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

TEST(LttExamples, EveryIgExampleValidatesWithoutError) {
  const LttValidator& v = LttValidator::get();
  IgOptions opt;
  opt.reportingStart = LttData::get().reportingStart();
  opt.asOf = *model::Date::parse("2026-11-01");
  int bundles = 0;
  for (const auto& f : std::filesystem::directory_iterator(test::sharedDir() + "/reference/ltt/examples")) {
    const auto doc = test::parseJson(test::readFile(f.path().string()));
    diag::Collector sink;
    const diag::Reporter out = diag::Reporter(sink, "ltt").withFile(f.path().filename().string());
    if (klBundleKind(doc) != KlBundleKind::kNone) {
      ++bundles;
      v.validateDocument(doc, opt, out);
    } else {
      // A standalone resource: core validity and the profile it claims.
      v.profiles().validate(doc, out);
    }
    for (const auto& d : sink.diagnostics())
      EXPECT_NE(d.severity, diag::Severity::kError) << f.path().filename() << ": " << diag::toTextLine(d);
  }
  EXPECT_EQ(bundles, 9);
}

// In an IncrementalDelivery each report's findings name that report's citizen
// (masked), the profiles' findings as the C++ rules' ones; the control: the
// example as it is has none.
TEST(LttExamples, AnIncrementalDeliverysFindingsNameTheReportsCitizen) {
  auto doc = test::parseJson(test::readFile(test::sharedDir() + "/reference/ltt/examples/TestIncrementalDelivery.json"));
  IgOptions opt;
  opt.reportingStart = *model::Date::parse("2025-01-01");
  opt.asOf = *model::Date::parse("2026-11-01");
  diag::Collector clean;
  LttValidator::get().validateDocument(doc, opt, diag::Reporter(clean, "ltt"));
  EXPECT_EQ(clean.count(diag::Severity::kError) + clean.count(diag::Severity::kWarning), 0);
  rapidjson::Value& report = doc["entry"][0]["resource"];
  rapidjson::Value& patient = report["entry"][0]["resource"];
  ASSERT_EQ(std::string(patient["resourceType"].GetString()), "Patient");
  patient.AddMember("gender", "female", doc.GetAllocator());                         // LTT-CIT-09 (profile)
  report["entry"][2]["resource"]["status"].SetString("in-progress", doc.GetAllocator());  // LTT-ENC-06 (C++)
  diag::Collector sink;
  LttValidator::get().validateDocument(doc, opt, diag::Reporter(sink, "ltt"));
  std::set<std::string> rules;
  for (const auto& d : sink.diagnostics()) {
    rules.insert(d.rule);
    EXPECT_FALSE(d.citizen.empty()) << diag::toTextLine(d);
    EXPECT_NE(d.citizen.find('*'), std::string::npos) << diag::toTextLine(d);
  }
  EXPECT_TRUE(rules.count("LTT-CIT-09")) << sink.diagnostics().size();
  EXPECT_TRUE(rules.count("LTT-ENC-06")) << sink.diagnostics().size();
}

}  // namespace
}  // namespace reghub::ltt
