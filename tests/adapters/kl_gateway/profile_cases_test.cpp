// The profile validator's constraint kinds as data-driven cases
// (profile_cases/<RULE>__<break|keep>_<what>/: input.json,
// expected_diagnostics.jsonl, description.txt — the folder format and the
// comparison of tests/support/rule_cases.h): each kind of check
// (KLGW-CARD, -FIXED, -BINDING, -SLICE, -TYPE, -REF, -PROFILE, the R4 core
// layer KLGW-CORE-01/02) and each
// invariant of the § 140 profiles is broken by one case and kept by another
// (the coverage test). The input is validated against the profiles it
// claims, bundle entries too. REGHUB_SHOW_DIAGNOSTICS=1 prints what a case
// reports (for writing a new case).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <set>

#include "adapters/kl_gateway/profile_validator.h"
#include "tests/adapters/kl_gateway/profile_test_util.h"
#include "tests/support/rule_cases.h"

namespace reghub::kl_gateway {
namespace {

namespace fs = std::filesystem;

const fs::path kCases = fs::path(REGHUB_SOURCE_DIR) / "tests/adapters/kl_gateway/profile_cases";

const reghub::test::RuleCaseSuite& suite() {
  static reghub::test::RuleCaseSuite s = [] {
    reghub::test::RuleCaseSuite x;
    x.name = "KlGatewayProfileCase";
    x.adapter = "kl_gateway";
    x.casesDir = kCases;
    x.judged = reghub::test::RuleCaseSuite::Judged::kValidator;
    return x;
  }();
  return s;
}

class ProfileCase : public ::testing::Test {
 public:
  explicit ProfileCase(std::string name) : name_(std::move(name)) {}
  void TestBody() override {
    const fs::path dir = kCases / name_;
    ASSERT_TRUE(fs::exists(dir / "description.txt")) << name_;
    std::vector<std::string> problems;
    const auto expected = reghub::test::readExpected(dir / "expected_diagnostics.jsonl", problems);
    const auto doc = test::readJson(dir / "input.json");
    diag::Collector sink;
    ProfileValidator(test::rehabProfiles()).validate(doc, diag::Reporter(sink, "kl_gateway").withFile("input.json"));
    if (std::getenv("REGHUB_SHOW_DIAGNOSTICS"))
      for (const auto& d : sink.diagnostics())
        std::cout << "CASE " << name_ << " {\"severity\": \"" << diag::toString(d.severity) << "\", \"rule\": \""
                  << d.rule << "\", \"field\": \"" << d.field << "\", \"path_contains\": \"" << d.path << "\"}\n";
    const auto more = reghub::test::compareDiagnostics(suite(), expected, sink.diagnostics());
    problems.insert(problems.end(), more.begin(), more.end());
    for (const std::string& p : problems) ADD_FAILURE() << name_ << ": " << p;
  }

 private:
  std::string name_;
};

// "<rule>__<break|keep>_<what>"; invariant keys are lower case
// (rule_cases' parseCaseName wants upper-case registry ids).
std::optional<reghub::test::CaseName> caseName(const std::string& name) {
  static const std::regex kName("^([A-Za-z0-9-]+)__(break|keep)_.+");
  std::smatch m;
  if (!std::regex_match(name, m, kName)) return std::nullopt;
  return reghub::test::CaseName{m[1], m[2]};
}

// Every kind of check and every invariant the profiles hold has a break and
// a keep case; every break case expects its rule.
TEST(KlGatewayProfileCaseCoverage, EveryCheckAndInvariantHasBreakAndKeepCases) {
  std::set<std::string> rules = {kRuleCardinality, kRuleFixed,     kRuleBinding,          kRuleSlice,
                                 kRuleType,        kRuleReference, kRuleProfile,          kCoreRules.structure,
                                 kCoreRules.invariants};
  for (const auto& [url, p] : test::rehabProfiles()->profiles())
    for (const Invariant& inv : p.invariants) rules.insert(inv.key);
  std::map<std::string, std::set<std::string>> outcomes;
  for (const std::string& n : reghub::test::caseNames(kCases)) {
    const auto c = caseName(n);
    ASSERT_TRUE(c) << n;
    outcomes[c->rule].insert(c->outcome);
    if (c->outcome != "break") continue;
    std::vector<std::string> problems;
    bool expectsRule = false;
    for (const auto& e : reghub::test::readExpected(kCases / n / "expected_diagnostics.jsonl", problems))
      expectsRule = expectsRule || e.rule == c->rule;
    EXPECT_TRUE(expectsRule) << n << " does not expect " << c->rule;
  }
  for (const std::string& r : rules) {
    EXPECT_TRUE(outcomes[r].count("break")) << r << " has no break case";
    EXPECT_TRUE(outcomes[r].count("keep")) << r << " has no keep case";
  }
}

std::string testName(std::string n) {
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const std::string& n : reghub::test::caseNames(kCases))
    ::testing::RegisterTest("Cases/KlGatewayProfileCase", ("Diagnostics/" + testName(n)).c_str(), nullptr, nullptr, __FILE__,
                            __LINE__, [n]() -> ::testing::Test* { return new ProfileCase(n); });
  return true;
}();

}  // namespace
}  // namespace reghub::kl_gateway
