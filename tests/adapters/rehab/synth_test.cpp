// `reghub synth` for § 140 (synth.h): a generated course, as the case system
// would send it, gives reports that validate clean; each seeded mistake is
// reported under the rule id synth recorded, and its report is not sent.
// The synthetic CPR-nummer fails the modulus-11 check on purpose.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "adapters/rehab/synth.h"
#include "tests/adapters/rehab/rehab_test_util.h"

namespace reghub::rehab {
namespace {

namespace fs = std::filesystem;

struct Generated {
  fs::path file;
  std::vector<engine::SeededMistake> seeded;
};

// The citizen's course in an NDJSON file (none written when synth gave it no course).
Generated generate(uint64_t seed, bool mistake, const std::string& name, int index = 0) {
  engine::SynthCitizen c;
  c.patientRef = "Patient/synth-1";
  c.organizationRef = "Organization/kommune-0751";
  c.municipalityCode = "0751";
  c.sor = "451000016003";
  c.cpr = *model::Cpr::parse("1505801234");  // modulus 11 fails: not a real person's
  c.index = index;
  c.asOf = *model::Date::parse("2026-06-30");
  engine::SynthRng rng(seed);
  std::vector<std::string> resources = {
      "{\"resourceType\":\"Patient\",\"id\":\"synth-1\",\"identifier\":[{\"use\":\"official\",\"system\":"
      "\"urn:oid:1.2.208.176.1.2\",\"value\":\"1505801234\"}],\"managingOrganization\":{\"identifier\":{\"use\":"
      "\"official\",\"system\":\"urn:oid:1.2.208.176.1.1\",\"value\":\"451000016003\"}}}"};
  Generated g;
  synthesizeRehab(c, rng, mistake, resources, g.seeded);
  if (resources.size() == 1) return g;
  g.file = fs::temp_directory_path() / ("rehab-synth-" + std::to_string(::getpid()) + "-" + name + ".ndjson");
  std::ofstream out(g.file);
  for (const std::string& r : resources) out << r << "\n";
  return g;
}

TEST(RehabSynth, ACourseWithoutMistakesValidatesClean) {
  Generated g;
  for (int i = 0; i < 40 && g.file.empty(); ++i) {  // about one adult in four gets a course
    g = generate(7, false, "clean", i);
    if (!fs::exists(g.file)) g.file.clear();
  }
  ASSERT_FALSE(g.file.empty());
  EXPECT_TRUE(g.seeded.empty());
  const auto r = test::translate({g.file.string()}, "2026-06-30");
  EXPECT_EQ(r.errors, 0) << test::show(r.diagnostics);
  EXPECT_EQ(r.warnings, 0) << test::show(r.diagnostics);
  EXPECT_GE(r.messages.size(), 2u);  // the GGOP's day, the forløb's day, the contacts' days
  for (const auto& m : r.messages) EXPECT_EQ(m.body.find("urn:kommune:case"), std::string::npos);  // the GGOP's local id is an extra
  fs::remove(g.file);
}

TEST(RehabSynth, EverySeededMistakeIsReportedUnderItsRule) {
  std::set<std::string> rules;
  for (int i = 1; i <= 40 && rules.size() < 5; ++i) {
    const Generated g = generate(1, true, std::to_string(i), i);
    if (g.seeded.empty()) {  // a contact-less course cannot carry REH-ENC-05
      if (!g.file.empty()) fs::remove(g.file);
      continue;
    }
    ASSERT_EQ(g.seeded.size(), 1u);
    const std::string rule = g.seeded[0].rule;
    rules.insert(rule);
    const auto r = test::translate({g.file.string()}, "2026-06-30");
    EXPECT_TRUE(test::hasRule(r.diagnostics, rule, diag::Severity::kError)) << rule << "\n" << test::show(r.diagnostics);
    fs::remove(g.file);
  }
  EXPECT_EQ(rules.size(), 5u);
}

}  // namespace
}  // namespace reghub::rehab
