// The rule-case runner's own rules (tests/support/rule_cases.h): what a case
// must expect, how expected lines match, what no diagnostic may hold.
#include "tests/support/rule_cases.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include <fstream>

namespace reghub::test {
namespace {

diag::Diagnostic finding(const std::string& registry, diag::Severity s, const std::string& rule,
                         const std::string& path = "", const std::string& field = "") {
  diag::Diagnostic d;
  d.registry = registry;
  d.severity = s;
  d.rule = rule;
  d.path = path;
  d.field = field;
  d.file = "input.json";
  d.forloeb = "EpisodeOfCare/ep-1";
  d.citizen = "0101**-****";
  d.message = "m";
  return d;
}

RuleCaseSuite suite(RuleCaseSuite::Judged judged = RuleCaseSuite::Judged::kPipeline) {
  RuleCaseSuite s;
  s.adapter = "x";
  s.judged = judged;
  return s;
}

ExpectedDiagnostic expect(const std::string& severity, const std::string& rule, const std::string& path = "") {
  return {severity, rule, std::nullopt, path};
}

TEST(RuleCaseRunner, MatchesOneToOneWhateverTheOrderOfTheLines) {
  using diag::Severity;
  // The line without a path must not take the one finding at the path.
  const std::vector<diag::Diagnostic> got = {finding("x", Severity::kError, "X-A-01", "P.a"),
                                             finding("x", Severity::kError, "X-A-01", "P.b")};
  EXPECT_TRUE(compareDiagnostics(suite(), {expect("error", "X-A-01"), expect("error", "X-A-01", ".a")}, got).empty());
  EXPECT_EQ(compareDiagnostics(suite(), {expect("error", "X-A-01")}, got).size(), 1u);
  EXPECT_EQ(compareDiagnostics(suite(), {expect("error", "X-A-01", ".a"), expect("error", "X-A-01", ".a")}, got).size(),
            2u);  // one expected line not reported, one finding not expected
}

TEST(RuleCaseRunner, FieldIsComparedWhenGiven) {
  const std::vector<diag::Diagnostic> got = {finding("x", diag::Severity::kError, "X-A-01", "", "4-X")};
  EXPECT_TRUE(compareDiagnostics(suite(), {expect("error", "X-A-01")}, got).empty());
  EXPECT_TRUE(compareDiagnostics(suite(), {{"error", "X-A-01", "4-X", ""}}, got).empty());
  EXPECT_FALSE(compareDiagnostics(suite(), {{"error", "X-A-01", "", ""}}, got).empty());
}

TEST(RuleCaseRunner, WhatACaseAnswersFor) {
  using diag::Severity;
  const std::vector<diag::Diagnostic> got = {finding("hub", Severity::kWarning, "HUB-REF-01"),
                                             finding("hub", Severity::kInfo, "HUB-INGEST-12"),
                                             finding("x", Severity::kInfo, "X-SCOPE-02")};
  // Through the pipeline: every warning and error, and the adapter's infos.
  EXPECT_EQ(compareDiagnostics(suite(), {}, got).size(), 2u);
  EXPECT_TRUE(compareDiagnostics(suite(), {expect("warning", "HUB-REF-01"), expect("info", "X-SCOPE-02")}, got).empty());
  // The adapter's validator: its own warnings and errors only.
  EXPECT_TRUE(compareDiagnostics(suite(RuleCaseSuite::Judged::kValidator), {}, got).empty());
}

TEST(RuleCaseRunner, NoFullCprAndEveryFindingSaysWhere) {
  auto d = finding("x", diag::Severity::kError, "X-A-01", "Bundle/2b3c4d5e-0000-5000-8000-000000000001.type");
  EXPECT_TRUE(compareDiagnostics(suite(), {expect("error", "X-A-01")}, {d}).empty()) << "a UUID is no CPR";
  d.message = "CPR 0101011234 is wrong";
  EXPECT_FALSE(compareDiagnostics(suite(), {expect("error", "X-A-01")}, {d}).empty());
  d.message = "m";
  d.citizen = "010101-1234";
  EXPECT_FALSE(compareDiagnostics(suite(), {expect("error", "X-A-01")}, {d}).empty());
  d.citizen = "0101**-****";
  d.forloeb.clear();
  EXPECT_FALSE(compareDiagnostics(suite(), {expect("error", "X-A-01")}, {d}).empty());
  EXPECT_TRUE(compareDiagnostics(suite(RuleCaseSuite::Judged::kValidator), {expect("error", "X-A-01")}, {d}).empty())
      << "a registry's report as input has no forløb";
}

TEST(RuleCaseRunner, CaseNamesSayRuleAndOutcome) {
  EXPECT_EQ(parseCaseName("SMDB-IVAER-07__break_reason_at_7_days")->rule, "SMDB-IVAER-07");
  EXPECT_EQ(parseCaseName("SMDB-IVAER-07__break_reason_at_7_days")->outcome, "break");
  EXPECT_EQ(parseCaseName("BASE__keep_complete_forloeb")->rule, "BASE");
  EXPECT_EQ(parseCaseName("BASE__keep_complete_forloeb")->outcome, "keep");
  EXPECT_FALSE(parseCaseName("LTT-CIT-01_keep_cpr")) << "one underscore";
  EXPECT_FALSE(parseCaseName("LTT-CIT-01__fix_cpr"));
  EXPECT_FALSE(parseCaseName("notes"));
}

TEST(RuleCaseRunner, AnUnknownKeyInAnExpectedLineIsAProblem) {
  const auto file = std::filesystem::temp_directory_path() / ("rule_cases_test_" + std::to_string(::getpid()) + ".jsonl");
  std::ofstream(file) << "{\"severity\": \"error\", \"rule\": \"X-A-01\", \"path_contains\": \"a\"}\n\n"
                      << "{\"severity\": \"error\", \"rule\": \"X-A-02\", \"feild\": \"4-X\"}\n";
  std::vector<std::string> problems;
  const auto expected = readExpected(file, problems);
  std::filesystem::remove(file);
  ASSERT_EQ(expected.size(), 1u);
  EXPECT_EQ(expected[0].pathContains, "a");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("feild"), std::string::npos);
}

}  // namespace
}  // namespace reghub::test
