// Every example of the KL LTT IG (shared/reference/ltt/examples) passes
// LTT's validator with no error; a standalone resource its own profile.
#include <gtest/gtest.h>

#include <filesystem>

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

}  // namespace
}  // namespace reghub::ltt
