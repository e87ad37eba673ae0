// Incremental feeds (issue 8, CONTRACT §1 "Deltas"): every SMDB case folder
// that is a valid forløb (no error expected) is split at test time into day
// files — the Patient + Organization + EpisodeOfCare document, then one
// document per skema, as a Bundle each, as a bare resource each, or as one
// NDJSON file — and the real `reghub` binary is run over them. In one
// validate/translate run all inputs are one input, so the day files must give
// what the whole input.json gives: the same diagnostics (as a multiset of
// severity, rule, field, forløb, citizen — file, line and path differ), no
// HUB-REF-01, and the same messages byte for byte, in any order of the files.
#include "tests/adapters/smdb/day_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/adapters/smdb/smdb_test_util.h"

namespace fs = std::filesystem;
using namespace smdb_test;

namespace {

const std::string kAsOf = "2026-06-01";

struct Variant {
  std::string name;
  std::vector<std::string> inputs;
  bool shuffled = false;  // a skema file comes before the Patient's file
};

std::vector<std::string> strings(const std::vector<fs::path>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.string());
  return out;
}

class SmdbDayFiles : public ::testing::TestWithParam<std::string> {
 protected:
  SmdbDayFiles() : scratch_("smdb-day-files"), caseDir_(kCases / GetParam()) {}

  // The day-file variants of the case, written under the scratch dir.
  std::vector<Variant> variants() {
    const fs::path input = caseDir_ / "input.json";
    const auto bundles = writeDayFiles(input, scratch_.path() / "bundles", Shape::kBundles);
    const auto resources = writeDayFiles(input, scratch_.path() / "resources", Shape::kResources);
    const auto ndjson = writeDayFiles(input, scratch_.path() / "ndjson", Shape::kNdjson);
    std::vector<Variant> v;
    v.push_back({"a Bundle per day, in order", strings(bundles)});
    v.push_back({"the directory of day Bundles", {(scratch_.path() / "bundles").string()}});
    v.push_back({"a bare QuestionnaireResponse per skema, in order", strings(resources)});
    v.push_back({"one NDJSON file of skemaer after the Patient's Bundle", strings(ndjson)});
    auto reversed = strings(bundles);
    std::reverse(reversed.begin(), reversed.end());
    v.push_back({"a Bundle per day, last day first and the Patient's file last", reversed, true});
    auto mixed = strings(resources);
    std::rotate(mixed.rbegin(), mixed.rbegin() + 1, mixed.rend());  // the last skema, the Patient, the others
    v.push_back({"bare skemaer, the last one before the Patient's Bundle and the rest after it", mixed, true});
    v.push_back({"the NDJSON skemaer before the Patient's Bundle", {strings(ndjson)[1], strings(ndjson)[0]}, true});
    return v;
  }

  std::vector<std::string> validateArgs(const std::vector<std::string>& inputs) {
    std::vector<std::string> a = {"validate", "--format", "json", "--registry", "smdb", "--as-of", kAsOf};
    for (const auto& c : caseConfigArgs(caseDir_)) a.push_back(c);
    a.insert(a.end(), inputs.begin(), inputs.end());
    return a;
  }

  std::vector<std::string> translateArgs(const fs::path& out, const std::vector<std::string>& inputs) {
    std::vector<std::string> a = {"translate", "--registry", "smdb",  "--as-of",   kAsOf,
                                  "--format",  "json",       "--out", out.string()};
    for (const auto& c : caseConfigArgs(caseDir_)) a.push_back(c);
    a.insert(a.end(), inputs.begin(), inputs.end());
    return a;
  }

  ScratchDir scratch_;
  fs::path caseDir_;
};

TEST_P(SmdbDayFiles, ValidateOverDayFilesGivesTheWholeFilesDiagnostics) {
  const CliResult whole = runReghub(validateArgs({(caseDir_ / "input.json").string()}), scratch_.path());
  ASSERT_TRUE(whole.exit == 0 || whole.exit == 1) << "whole input.json: exit " << whole.exit << "\n" << whole.err;
  ASSERT_EQ(countRule(whole.out, "HUB-REF-01"), 0) << "the whole input.json itself has a broken reference";
  const auto want = diagnosticKeys(whole.out);
  for (const Variant& v : variants()) {
    SCOPED_TRACE(v.name);
    const CliResult days = runReghub(validateArgs(v.inputs), scratch_.path());
    EXPECT_EQ(days.exit, whole.exit) << days.err;
    EXPECT_EQ(countRule(days.out, "HUB-REF-01"), 0)
        << "HUB-REF-01: a skema in its own file was not joined to the Patient sent in another file of the same run";
    const auto got = diagnosticKeys(days.out);
    EXPECT_TRUE(got == want) << "diagnostics differ from the whole input.json's:\n" << describeDifference(want, got);
  }
}

TEST_P(SmdbDayFiles, TranslateOverDayFilesGivesTheWholeFilesMessages) {
  const fs::path wholeOut = scratch_.path() / "out-whole";
  const CliResult whole = runReghub(translateArgs(wholeOut, {(caseDir_ / "input.json").string()}), scratch_.path());
  ASSERT_TRUE(whole.exit == 0 || whole.exit == 1) << "whole input.json: exit " << whole.exit << "\n" << whole.err;
  const auto want = readTree(wholeOut);
  if (GetParam() == "BASE__keep_complete_forloeb") {
    ASSERT_FALSE(want.empty()) << "the base forløb renders messages";
  }
  int n = 0;
  for (const Variant& v : variants()) {
    SCOPED_TRACE(v.name);
    const fs::path out = scratch_.path() / ("out-" + std::to_string(n++));
    const CliResult days = runReghub(translateArgs(out, v.inputs), scratch_.path());
    EXPECT_EQ(days.exit, whole.exit);
    EXPECT_EQ(countRule(days.err, "HUB-REF-01"), 0)
        << "HUB-REF-01: a skema in its own file was not joined to the Patient sent in another file of the same run";
    // In order, the run writes the same files under the same names. Shuffled,
    // messages that do not depend on each other may come in another order, so
    // the run's sequence number is left out of the name.
    const auto name = [&](const std::string& p) { return v.shuffled ? withoutSequence(p) : p; };
    std::map<std::string, std::string> wantNamed, gotNamed;
    for (const auto& [p, bytes] : want) wantNamed[name(p)] = bytes;
    for (const auto& [p, bytes] : readTree(out)) gotNamed[name(p)] = bytes;
    EXPECT_EQ(gotNamed.size(), wantNamed.size()) << "number of messages";
    // Bodies carry CPR numbers: name the files, never print them.
    for (const auto& [p, bytes] : wantNamed) {
      const auto it = gotNamed.find(p);
      if (it == gotNamed.end())
        ADD_FAILURE() << "missing from the day-file run: " << p;
      else if (it->second != bytes)
        ADD_FAILURE() << "different bytes in the day-file run: " << p;
    }
    for (const auto& [p, bytes] : gotNamed)
      if (!wantNamed.count(p)) ADD_FAILURE() << "only in the day-file run: " << p;
  }
}

// The split itself: every skema of input.json is in exactly one day file, and
// the first file holds the Patient.
TEST(SmdbDayFileSplit, EverySkemaIsInItsOwnFileAfterThePatientsDocument) {
  ScratchDir scratch("smdb-day-split");
  const fs::path input = kCases / "BASE__keep_complete_forloeb" / "input.json";
  const std::string whole = slurp(input);
  size_t skemas = 0;
  for (size_t i = whole.find("\"QuestionnaireResponse\""); i != std::string::npos;
       i = whole.find("\"QuestionnaireResponse\"", i + 1))
    ++skemas;
  ASSERT_GT(skemas, 1u);
  for (Shape s : {Shape::kBundles, Shape::kResources, Shape::kNdjson}) {
    SCOPED_TRACE(toString(s));
    const auto files = writeDayFiles(input, scratch.path() / toString(s), s);
    ASSERT_EQ(files.size(), s == Shape::kNdjson ? 2u : skemas + 1);
    const std::string first = slurp(files[0]);
    EXPECT_NE(first.find("\"Patient\""), std::string::npos);
    EXPECT_EQ(first.find("\"QuestionnaireResponse\""), std::string::npos);
    size_t found = 0;
    for (size_t f = 1; f < files.size(); ++f) {
      const std::string t = slurp(files[f]);
      EXPECT_EQ(t.find("\"Patient\""), std::string::npos) << files[f];
      for (size_t i = t.find("\"QuestionnaireResponse\""); i != std::string::npos;
           i = t.find("\"QuestionnaireResponse\"", i + 1))
        ++found;
    }
    EXPECT_EQ(found, skemas);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SmdbDayFiles, ::testing::ValuesIn(validCaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return testName(info.param); });

TEST(SmdbDayFileCases, TheValidForloebCasesAreSelected) {
  const auto names = validCaseNames();
  EXPECT_NE(std::find(names.begin(), names.end(), "BASE__keep_complete_forloeb"), names.end());
  for (const auto& n : names)
    EXPECT_EQ(slurp(kCases / n / "expected_diagnostics.jsonl").find("\"error\""), std::string::npos) << n;
  // The folder that breaks a rule with an error is not a valid forløb.
  EXPECT_EQ(std::find(names.begin(), names.end(), "SMDB-AFSL-01__break_two_afslutninger"), names.end());
}

}  // namespace
