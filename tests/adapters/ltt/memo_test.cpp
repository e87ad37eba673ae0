// LttValidator::validateReport with a per-citizen memo (kl_gateway's
// CleanResources): a resource identical to one found core-valid in an
// earlier report is not walked again, and every report gets the same
// diagnostics as without the memo — a changed resource is walked, one with a
// core error is never remembered, report-level rules run for every report.
#include <gtest/gtest.h>

#include "adapters/ltt/ltt_validator.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

rapidjson::Document josefine() {
  return test::parseJson(test::readFile(test::sharedDir() + "/reference/ltt/examples/DeliveryReport-Josefine-1.json"));
}

IgOptions options() {
  IgOptions opt;
  opt.reportingStart = *model::Date::parse("2025-01-01");
  opt.asOf = *model::Date::parse("2026-11-01");
  return opt;
}

std::vector<std::string> lines(const rapidjson::Value& report, kl_gateway::CleanResources* memo) {
  diag::Collector sink;
  LttValidator::get().validateReport(report, options(), diag::Reporter(sink, "ltt"), {}, memo);
  std::vector<std::string> out;
  for (const auto& d : sink.diagnostics()) out.push_back(diag::toTextLine(d));
  return out;
}

rapidjson::Value& patientOf(rapidjson::Document& report) {
  rapidjson::Value& p = report["entry"][0]["resource"];
  EXPECT_EQ(std::string(p["resourceType"].GetString()), "Patient");
  return p;
}

TEST(LttMemo, AnIdenticalResourceIsRememberedAndGivesTheSameDiagnostics) {
  kl_gateway::CleanResources memo;
  const auto first = josefine();
  EXPECT_TRUE(lines(first, &memo).empty());
  auto second = josefine();  // another document, the same JSON
  EXPECT_TRUE(memo.contains(patientOf(second)));
  EXPECT_EQ(lines(second, &memo), lines(second, nullptr));
}

TEST(LttMemo, AChangedResourceIsWalkedAgain) {
  kl_gateway::CleanResources memo;
  const auto first = josefine();  // outlives the memo's pointers into it
  EXPECT_TRUE(lines(first, &memo).empty());
  auto broken = josefine();
  patientOf(broken).AddMember("deceasedBoolean", "yes", broken.GetAllocator());  // a string where R4 has a boolean
  EXPECT_FALSE(memo.contains(patientOf(broken)));
  const auto with = lines(broken, &memo);
  EXPECT_FALSE(with.empty());
  EXPECT_EQ(with, lines(broken, nullptr));
}

TEST(LttMemo, AResourceWithACoreErrorIsNotRemembered) {
  kl_gateway::CleanResources memo;
  auto broken = josefine();
  patientOf(broken).AddMember("deceasedBoolean", "yes", broken.GetAllocator());
  const auto once = lines(broken, &memo);
  EXPECT_FALSE(once.empty());
  EXPECT_FALSE(memo.contains(patientOf(broken)));
  EXPECT_EQ(lines(broken, &memo), once);  // reported again, not skipped
}

TEST(LttMemo, ReportLevelRulesRunForEveryReport) {
  kl_gateway::CleanResources memo;
  const auto first = josefine();  // outlives the memo's pointers into it
  EXPECT_TRUE(lines(first, &memo).empty());
  auto moved = josefine();
  // Every resource is unchanged (remembered); the CarePlan's entry is there
  // twice, which the Bundle's rules (the same fullUrl twice) and the report's reject.
  rapidjson::Value copy(moved["entry"][1], moved.GetAllocator());
  moved["entry"].PushBack(copy, moved.GetAllocator());
  EXPECT_TRUE(memo.contains(moved["entry"][1]["resource"]));
  const auto with = lines(moved, &memo);
  EXPECT_FALSE(with.empty());
  EXPECT_EQ(with, lines(moved, nullptr));
}

}  // namespace
}  // namespace reghub::ltt
