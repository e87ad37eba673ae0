// LTT's hand-derived IG validator and the profile-driven validator of
// adapters/kl_gateway over every LTT case folder whose input is a KL report:
// the profile validator is never stricter (each report it finds an error in,
// LTT's validator does too), and the LTT rules it does not see are exactly
// those that are not in the compiled profiles (listed below): a measure of
// what moving LTT onto the profile validator needs (DK-core's slices and
// invariants, the IG-text rules as adapter rules; the R4 core layer it has).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "adapters/kl_gateway/json_file.h"
#include "adapters/kl_gateway/profile_set.h"
#include "adapters/kl_gateway/profile_validator.h"
#include "adapters/ltt/ig_validator.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;

struct Verdicts {
  std::set<std::string> lttRules;
  bool profileError = false;
  std::string profileText;
};

Verdicts run(const fs::path& input) {
  static const auto set = kl_gateway::ProfileSet::load(test::sourceDir() + "/profiles/ltt/ig",
                                                       test::sourceDir() + "/mapping/ltt/terminology.json",
                                                       test::sourceDir() + "/profiles/fhir-r4/core.json");
  const auto doc = kl_gateway::readJsonFile(input.string());
  Verdicts v;
  diag::Collector ltt, prof;
  IgOptions opt;
  opt.reportingStart = *model::Date::fromYmd(2025, 1, 1);
  opt.asOf = *model::Date::fromYmd(2026, 11, 1);
  IgValidator(LttData::get()).validateDocument(doc, opt, diag::Reporter(ltt, "ltt"));
  for (const auto& d : ltt.diagnostics())
    if (d.severity == diag::Severity::kError) v.lttRules.insert(d.rule);
  kl_gateway::ProfileValidator(set).validate(doc, diag::Reporter(prof, "kl_gateway"));
  v.profileError = prof.hasErrors();
  for (const auto& d : prof.diagnostics()) v.profileText += d.rule + " " + d.field + " " + d.message + "\n";
  return v;
}

// The LTT rules that are not in the compiled LTT profiles, so the profile
// validator alone cannot see them (why, per rule).
const std::map<std::string, std::string>& notInTheProfiles() {
  static const std::map<std::string, std::string> m = {
      {"LTT-CIT-01", "Patient.identifier slices are DK-core's (not loaded)"},
      {"LTT-CIT-02", "the cpr slice is DK-core's"},
      {"LTT-CIT-04", "DK-core's cpr invariant"},
      {"LTT-CIT-05", "SDS's CPR receipt check (spec text)"},
      {"LTT-CIT-08", "DK-core's min-digits-sor invariant"},
      {"LTT-DR-07", "references resolve inside the report: IG text, no aggregation in the LTT profiles"},
      {"LTT-DR-08", "meta.profile says which CarePlan profile: RULES.md interpretation"},
      {"LTT-ENC-07", "Encounter.subject required: IG text, 0..1 in the profile"},
  };
  return m;
}

TEST(LttProfileAgreement, TheProfileValidatorIsNeverStricterAndMissesOnlyRulesOutsideTheProfiles) {
  const fs::path cases = fs::path(test::sourceDir()) / "tests/adapters/ltt/cases";
  size_t reports = 0, bothError = 0;
  for (const auto& c : fs::directory_iterator(cases)) {
    if (!fs::exists(c.path() / "input.json")) continue;
    ++reports;
    const std::string name = c.path().filename().string();
    const Verdicts v = run(c.path() / "input.json");
    if (v.profileError) {
      EXPECT_FALSE(v.lttRules.empty()) << name << ": only the profile validator finds\n" << v.profileText;
      ++bothError;
      continue;
    }
    for (const std::string& rule : v.lttRules)
      EXPECT_TRUE(notInTheProfiles().count(rule)) << name << ": the profile validator misses " << rule;
  }
  EXPECT_EQ(reports, 159u);
  EXPECT_EQ(bothError, 67u);  // the rest of the LTT break cases with an error: the rules above
}

}  // namespace
}  // namespace reghub::ltt
