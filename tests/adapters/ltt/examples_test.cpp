// Every example of the KL LTT IG (shared/reference/ltt/examples) passes the
// IG validator with no error.
#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/ltt/ig_validator.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

TEST(LttExamples, EveryIgExampleValidatesWithoutError) {
  const IgValidator v(LttData::get());
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
      // A standalone resource: core validity and its own profile.
      kl_gateway::CoreValidator(LttData::get().core(), kCoreRules).validateResource(doc, out.withPath(doc["resourceType"].GetString()));
      const std::string p = doc["meta"]["profile"][0].GetString();
      v.checkConstraints(doc, *LttData::get().profile(p.substr(p.rfind('/') + 1)), out);
    }
    for (const auto& d : sink.diagnostics())
      EXPECT_NE(d.severity, diag::Severity::kError) << f.path().filename() << ": " << diag::toTextLine(d);
  }
  EXPECT_EQ(bundles, 9);
}

}  // namespace
}  // namespace reghub::ltt
