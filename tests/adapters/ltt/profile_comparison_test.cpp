// LTT's hand-written IG validator (ig_validator) against LTT's validator on
// the profiles (ltt_validator.h: adapters/kl_gateway's ProfileValidator over
// profiles/ltt, its findings said as LTT rules by profiles/ltt/rules.json,
// beside the C++ rules no profile states, report_rules.h), over every LTT
// case folder whose input is a KL bundle and the IG's example bundles: per
// input, the diagnostics (rule, severity, element path; each as often as it
// is reported) only one of them gives. The list is profile_differences.txt:
// moving LTT onto the profile validator (#14 item 2) means driving it to
// empty, and this test fails when a difference appears or goes.
// REGHUB_RECORD=1 writes the list anew; REGHUB_DUMP=1 prints both sides.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "adapters/kl_gateway/json_file.h"
#include "adapters/ltt/ig_validator.h"
#include "adapters/ltt/ltt_validator.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;
using Findings = std::multiset<std::string>;  // "RULE error @path"

std::string key(const diag::Diagnostic& d) {
  const diag::Severity s = d.severity;
  return d.rule + (s == diag::Severity::kError ? " error" : s == diag::Severity::kWarning ? " warning" : " info") +
         " @" + d.path;
}

// What each validator finds in one KL bundle: "RULE severity @path", as often as reported.
std::pair<Findings, Findings> findings(const fs::path& input) {
  const auto doc = kl_gateway::readJsonFile(input.string());
  diag::Collector ltt, prof;
  IgOptions opt;
  opt.reportingStart = *model::Date::fromYmd(2025, 1, 1);
  opt.asOf = *model::Date::fromYmd(2026, 11, 1);
  IgValidator(LttData::get()).validateDocument(doc, opt, diag::Reporter(ltt, "ltt"));
  LttValidator::get().validateDocument(doc, opt, diag::Reporter(prof, "ltt"));
  if (std::getenv("REGHUB_DUMP")) {
    std::cerr << "== " << input.string() << "\n";
    for (const auto& d : ltt.diagnostics()) std::cerr << "  L " << key(d) << " " << d.message << "\n";
    for (const auto& d : prof.diagnostics()) std::cerr << "  P " << key(d) << " {" << d.field << "} " << d.message << "\n";
  }
  std::pair<Findings, Findings> out;
  for (const auto& d : ltt.diagnostics())
    if (d.severity != diag::Severity::kInfo) out.first.insert(key(d));
  for (const auto& d : prof.diagnostics())
    if (d.severity != diag::Severity::kInfo) out.second.insert(key(d));
  return out;
}

// "<input>: only ltt: …; only profiles: …" for each input where they differ.
std::string differences() {
  std::map<std::string, fs::path> inputs;
  for (const auto& c : fs::directory_iterator(fs::path(test::sourceDir()) / "tests/adapters/ltt/cases"))
    if (fs::exists(c.path() / "input.json")) inputs["case " + c.path().filename().string()] = c.path() / "input.json";
  for (const auto& f : fs::directory_iterator(fs::path(test::sharedDir()) / "reference/ltt/examples")) {
    const auto doc = kl_gateway::readJsonFile(f.path().string());
    if (klBundleKind(doc) != KlBundleKind::kNone) inputs["example " + f.path().filename().string()] = f.path();
  }
  std::ostringstream out;
  for (const auto& [name, path] : inputs) {
    const auto [ltt, prof] = findings(path);
    std::string onlyLtt, onlyProfile;
    Findings a, b;
    std::set_difference(ltt.begin(), ltt.end(), prof.begin(), prof.end(), std::inserter(a, a.end()));
    std::set_difference(prof.begin(), prof.end(), ltt.begin(), ltt.end(), std::inserter(b, b.end()));
    for (const auto& f : a) onlyLtt += (onlyLtt.empty() ? "" : ", ") + f;
    for (const auto& f : b) onlyProfile += (onlyProfile.empty() ? "" : ", ") + f;
    if (onlyLtt.empty() && onlyProfile.empty()) continue;
    out << name << ":";
    if (!onlyLtt.empty()) out << " only ltt: " << onlyLtt << ";";
    if (!onlyProfile.empty()) out << " only profiles: " << onlyProfile << ";";
    out << "\n";
  }
  return out.str();
}

TEST(LttProfileComparison, TheDifferencesAreTheListedOnes) {
  const fs::path listed = fs::path(test::sourceDir()) / "tests/adapters/ltt/profile_differences.txt";
  const std::string now = differences();
  if (std::getenv("REGHUB_RECORD")) std::ofstream(listed) << now;
  std::ifstream in(listed);
  ASSERT_TRUE(in) << listed;
  std::stringstream was;
  was << in.rdbuf();
  EXPECT_EQ(now, was.str());
}

// The control: the mapping says a finding as the rule its element has, so a
// difference is a real one, not a mapping that lost the rule.
TEST(LttProfileComparison, TheMappingNamesTheRuleOfTheElement) {
  const ProfileRuleMap& rules = LttValidator::get().ruleMap();
  diag::Diagnostic d;
  d.rule = kl_gateway::kRuleCardinality;
  d.field = "CarePlan.activity.detail.code.coding";
  d.message = "klgateway-ltt-care-plan: CarePlan.activity.detail.code.coding needs at least 1, has 0";
  EXPECT_EQ(rules.ruleOf(d), "LTT-CP-07");
  d.message = "klgateway-ltt-referral: CarePlan.activity.detail.code.coding needs at least 1, has 0";
  EXPECT_EQ(rules.ruleOf(d), "LTT-REF-07");
  d.field = "CarePlan.activity.detail.scheduled[x]";
  EXPECT_EQ(rules.ruleOf(d), "LTT-REF-09");
  d.rule = "klgateway-ltt-careplan-endtime";
  EXPECT_EQ(rules.ruleOf(d), "LTT-CP-01");
  d.rule = kl_gateway::kRuleType;
  d.field = "Bundle.entry.resource";
  d.message = "klgateway-ltt-delivery-report: a Condition is not allowed in Bundle.entry.resource";
  EXPECT_EQ(rules.ruleOf(d), "LTT-DR-05");
  d.rule = kl_gateway::kRuleLength;
  d.field = "Identifier.value";
  d.message = "dk-core-cpr-identifier: Identifier.value is longer than 10 characters";
  EXPECT_EQ(rules.ruleOf(d), "LTT-CIT-02");
  d.rule = "KLGW-NONE";
  d.message = "no-such-profile: x";
  EXPECT_EQ(rules.ruleOf(d), "KLGW-NONE(unmapped)");
}

}  // namespace
}  // namespace reghub::ltt
