// LTT's hand-written IG validator (ig_validator) against the profile-driven
// validator of adapters/kl_gateway, whose findings are said as LTT rules by
// profiles/ltt/rules.json (tools/gen_ltt_rules.py), over every LTT case folder
// whose input is a KL bundle and the IG's example bundles: per input, the
// (rule, severity) pairs only one of them gives. The list is
// profile_differences.txt: moving LTT onto the profile validator (#14 item 2)
// means driving it to empty, and this test fails when a difference appears or
// goes (a change to either validator or the mapping shows here first).
// REGHUB_RECORD=1 writes the list anew.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "adapters/kl_gateway/json_file.h"
#include "adapters/kl_gateway/profile_set.h"
#include "adapters/kl_gateway/profile_validator.h"
#include "adapters/ltt/ig_validator.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;
using Findings = std::set<std::string>;  // "RULE error"

// profiles/ltt/rules.json: a profile validator finding -> its LTT rule.
class LttRules {
 public:
  explicit LttRules(const std::string& file) : doc_(kl_gateway::readJsonFile(file)) {}

  std::string ruleOf(const diag::Diagnostic& d) const {
    const std::string profile = messageProfile(d.message);
    if (const auto* f = find(doc_["findings"], d.rule)) return f;
    if (const auto* kinds = member(doc_["kinds"], d.rule))
      if (const auto* k = find(*kinds, profile)) return k;
    if (const auto* elements = member(doc_["elements"], profile)) {
      std::string best, rule;
      for (const auto& e : elements->GetObject()) {
        const std::string id = e.name.GetString();
        const bool prefix = d.field.compare(0, id.size(), id) == 0 &&
                            (d.field.size() == id.size() || d.field[id.size()] == '.' || d.field[id.size()] == ':');
        if (prefix && id.size() >= best.size()) {
          best = id;
          rule = e.value.GetString();
        }
      }
      if (!rule.empty()) return rule;
    }
    if (const auto* p = find(doc_["profiles"], profile)) return p;
    return d.rule + "(unmapped)";
  }

 private:
  // The validator's message starts with the profile it judged by: "klgateway-ltt-citizen: …".
  static std::string messageProfile(const std::string& message) {
    const auto colon = message.find(": ");
    return colon == std::string::npos || message.find(' ') < colon ? std::string() : message.substr(0, colon);
  }
  static const rapidjson::Value* member(const rapidjson::Value& obj, const std::string& name) {
    const auto it = obj.FindMember(name.c_str());
    return it == obj.MemberEnd() ? nullptr : &it->value;
  }
  static const char* find(const rapidjson::Value& obj, const std::string& name) {
    const rapidjson::Value* v = member(obj, name);
    return v && v->IsString() ? v->GetString() : nullptr;
  }
  rapidjson::Document doc_;
};

std::string key(const std::string& rule, diag::Severity s) {
  return rule + (s == diag::Severity::kError ? " error" : s == diag::Severity::kWarning ? " warning" : " info");
}

// What each validator finds in one KL bundle, as LTT rules.
std::pair<Findings, Findings> findings(const fs::path& input) {
  static const auto set = kl_gateway::ProfileSet::load(test::sourceDir() + "/profiles/ltt/ig",
                                                       test::sourceDir() + "/mapping/ltt/terminology.json",
                                                       test::sourceDir() + "/profiles/fhir-r4/core.json");
  static const kl_gateway::ProfileValidator profileValidator(set, kCoreRules);
  static const LttRules rules(test::sourceDir() + "/profiles/ltt/rules.json");
  const auto doc = kl_gateway::readJsonFile(input.string());
  diag::Collector ltt, prof;
  IgOptions opt;
  opt.reportingStart = *model::Date::fromYmd(2025, 1, 1);
  opt.asOf = *model::Date::fromYmd(2026, 11, 1);
  IgValidator(LttData::get()).validateDocument(doc, opt, diag::Reporter(ltt, "ltt"));
  profileValidator.validate(doc, diag::Reporter(prof, "ltt"));
  std::pair<Findings, Findings> out;
  for (const auto& d : ltt.diagnostics())
    if (d.severity != diag::Severity::kInfo) out.first.insert(key(d.rule, d.severity));
  for (const auto& d : prof.diagnostics())
    if (d.severity != diag::Severity::kInfo) out.second.insert(key(rules.ruleOf(d), d.severity));
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
    for (const auto& f : ltt)
      if (!prof.count(f)) onlyLtt += (onlyLtt.empty() ? "" : ", ") + f;
    for (const auto& f : prof)
      if (!ltt.count(f)) onlyProfile += (onlyProfile.empty() ? "" : ", ") + f;
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
  const LttRules rules(test::sourceDir() + "/profiles/ltt/rules.json");
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
}

}  // namespace
}  // namespace reghub::ltt
