// Runs every SMDB rule case folder (tests/adapters/smdb/cases/<RULE>__<break|keep>_<what>/):
// input.json through the real ingest + pipeline with the smdb adapter, as of 2026-06-01,
// and compares the diagnostics with expected_diagnostics.jsonl. Every diagnostic at
// warning or error (any registry) and every smdb info must be expected, and every
// expected one must appear. Also checks that the folders cover RULES.md.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "adapters/smdb/smdb_adapter.h"
#include "hub/engine/adapter_registry.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"
#include "tests/adapters/smdb/smdb_test_util.h"

namespace fs = std::filesystem;
using reghub::diag::Diagnostic;
using reghub::diag::Severity;

namespace {

using smdb_test::kCases;
using smdb_test::slurp;

struct Expected {
  std::string severity, rule, field, pathContains;
  std::string show() const { return severity + " " + rule + " [" + field + "]" + (pathContains.empty() ? "" : " @" + pathContains); }
};

std::vector<Expected> readExpected(const fs::path& p) {
  std::vector<Expected> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    rapidjson::Document d;
    d.Parse(line.c_str());
    EXPECT_FALSE(d.HasParseError()) << p << ": " << line;
    if (d.HasParseError()) continue;
    Expected e{d["severity"].GetString(), d["rule"].GetString(), d["field"].GetString(), ""};
    if (d.HasMember("path_contains")) e.pathContains = d["path_contains"].GetString();
    out.push_back(e);
  }
  return out;
}

std::string show(const Diagnostic& d) {
  return std::string(reghub::diag::toString(d.severity)) + " " + d.rule + " [" + d.field + "] @" + d.path + ": " + d.message;
}

bool matches(const Expected& e, const Diagnostic& d) {
  return e.severity == reghub::diag::toString(d.severity) && e.rule == d.rule && e.field == d.field &&
         (e.pathContains.empty() || d.path.find(e.pathContains) != std::string::npos);
}

std::vector<std::string> caseNames() {
  std::vector<std::string> names;
  if (fs::is_directory(kCases))
    for (const auto& e : fs::directory_iterator(kCases))
      if (e.is_directory()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class SmdbCase : public ::testing::TestWithParam<std::string> {};

TEST_P(SmdbCase, Diagnostics) {
  const fs::path dir = kCases / GetParam();
  ASSERT_TRUE(fs::exists(dir / "input.json"));
  ASSERT_TRUE(fs::exists(dir / "description.txt"));
  const std::vector<Expected> expected = readExpected(dir / "expected_diagnostics.jsonl");

  // A case's settings.properties is read as the service reads its file: through the factory.
  const std::string settings = fs::exists(dir / "settings.properties") ? (dir / "settings.properties").string() : "";
  const auto built = reghub::engine::AdapterRegistry::create("smdb", reghub::config::Config::load(settings));
  ASSERT_NE(built, nullptr);
  const reghub::engine::Adapter& adapter = *built;
  reghub::engine::RunContext ctx;
  ctx.asOf = *reghub::model::Date::parse("2026-06-01");
  reghub::diag::Collector sink;
  const reghub::diag::Reporter reporter(sink);
  reghub::engine::NoPriorDeliveries prior;
  reghub::engine::Pipeline pipeline({&adapter}, ctx, reporter, nullptr, prior);
  reghub::ingest::Ingestor ingestor(pipeline, reporter);
  ingestor.readPath((dir / "input.json").string());
  ingestor.finish();
  ASSERT_FALSE(ingestor.unreadable());

  std::vector<Diagnostic> actual;
  for (const Diagnostic& d : sink.diagnostics())
    if (d.severity != Severity::kInfo || d.registry == "smdb") actual.push_back(d);
  std::vector<bool> used(actual.size(), false);
  for (const Expected& e : expected) {
    bool found = false;
    for (size_t i = 0; i < actual.size() && !found; ++i)
      if (!used[i] && matches(e, actual[i])) used[i] = found = true;
    EXPECT_TRUE(found) << "expected but not reported: " << e.show() << "\n(" << slurp(dir / "description.txt") << ")";
  }
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_TRUE(used[i]) << "reported but not expected: " << show(actual[i]);
    // Personal data: no full CPR (ten digits in a row) anywhere in a diagnostic.
    static const std::regex kTenDigits("[0-9]{10}");
    for (const std::string* s : {&actual[i].message, &actual[i].citizen, &actual[i].path, &actual[i].forloeb})
      EXPECT_FALSE(std::regex_search(*s, kTenDigits)) << show(actual[i]);
  }
  // Every smdb diagnostic says where: file, and a QuestionnaireResponse path for skema findings.
  for (const Diagnostic& d : actual) {
    EXPECT_FALSE(d.file.empty()) << show(d);
    if (d.registry == "smdb") {
      EXPECT_FALSE(d.forloeb.empty()) << show(d);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SmdbCase, ::testing::ValuesIn(caseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// Every rule SMDB can reject or show (reject, ui, complete, scope) has a folder that
// breaks it and one that keeps it, unless listed here with the reason.
TEST(SmdbCaseCoverage, EveryRuleHasBreakAndKeepCases) {
  const std::map<std::string, std::string> kNotCheckable = {
      {"SMDB-GEN-03", "whole-message rejection: a property of every case (GEN-03 also used for duplicate answers)"},
      {"SMDB-GEN-04", "CPR form is the hub's rule HUB-CPR-02; the CPR register call is DST's"},
      {"SMDB-ANM-04", "coding fact (Mand 01 / Kvinde 00): covered by SMDB-ANM-04__keep_gender_from_patient"},
      {"SMDB-TILB-09", "a permission: nothing to break (keep case only)"},
      {"SMDB-TILB-10", "a permission: breaking it is SMDB-TILB-11"},
      {"SMDB-AFSL-03", "broken together with SMDB-IVAER-04 (same fact, both sides)"},
      {"SMDB-AFSL-04", "broken together with SMDB-TILB-07 (same fact, both sides)"},
      {"SMDB-AFSL-05", "broken together with SMDB-TILB-06 (same fact, both sides)"},
      {"SMDB-IVAER-17", "info: no consistency check between 20-IVÆR and 18-IVÆR"},
      {"SMDB-IVAER-27", "ui: broken in SMDB-GEN-13__break_hidden_screening_text"},
      {"SMDB-KVAL-06", "deletion order: reported as a warning when both are withdrawn (SMDB-IVAER-24 cases)"},
      {"SMDB-DATE-04", "the date control is SMDB-DATE-05 (code lists) and SMDB-DATE-06 (texts only)"},
      {"SMDB-DATE-05", "old option sets are not in the spec; new-forløb side broken via GEN-06"},
      {"SMDB-DATE-07", "the list of 'Udgået' fields is not in the spec: unknown fields are warned"},
      {"SMDB-SCOPE-01", "selection by legal basis: keep case only (a forløb without it is not SMDB's)"},
      {"SMDB-SCOPE-02", "info skip"},
      {"SMDB-SCOPE-04", "info skip"},
      {"SMDB-SCOPE-05", "operationalised by SMDB-KVAL-03"},
      {"SMDB-SCOPE-06", "responsibility: KommuneKode is the forløb's myndighedskommune (SMDB-GEN-09)"},
      {"SMDB-SCOPE-08", "same rule as SMDB-ANM-01"},
      {"SMDB-SCOPE-10", "covered by SMDB-DATE-01"},
      {"SMDB-GEN-01", "keep: SMDB-GEN-01__keep_anmodning_today"},
      {"SMDB-ANM-03", "keep: SMDB-ANM-02__keep_woman_with_gravid"},
      {"SMDB-IVAER-11", "keep: the base forløb"},
      {"SMDB-IVAER-19", "keep: the base forløb"},
      {"SMDB-IVAER-22", "keep: the base forløb"},
      {"SMDB-IVAER-25", "keep: SMDB-IVAER-06__keep_anden_with_text"},
      {"SMDB-IVAER-26", "keep: SMDB-IVAER-10__keep_andet_with_text"},
      {"SMDB-IVAER-28", "keep: the base forløb"},
      {"SMDB-TILB-01", "keep: the base forløb"},
      {"SMDB-TILB-02", "keep: the base forløb"},
      {"SMDB-TILB-03", "keep: the base forløb"},
      {"SMDB-TILB-05", "keep: the base forløb"},
      {"SMDB-TILB-07", "keep: the base forløb"},
      {"SMDB-TILB-13", "keep: the base forløb"},
      {"SMDB-AFSL-01", "keep: the base forløb"},
      {"SMDB-AFSL-06", "keep: the base forløb"},
      {"SMDB-KVAL-01", "keep: the base forløb"},
      {"SMDB-KVAL-02", "keep: the base forløb"},
      {"SMDB-SCOPE-03", "keep: the base forløb"},
      {"SMDB-IVAER-01", "keep: the base forløb"},
      {"SMDB-IVAER-13", "keep: SMDB-IVAER-13__keep_first_use_equal_age"},
  };
  const std::string rules = slurp(fs::path(REGHUB_SHARED_DIR) / "reference/smdb/RULES.md");
  ASSERT_FALSE(rules.empty());
  const std::regex line(R"(\*\*(SMDB-[A-Z]+-[0-9]{2})\*\* [^\n]*? (reject|ui|complete|scope|retired|process|info) )");
  const auto names = caseNames();
  const auto has = [&](const std::string& rule, const std::string& kind) {
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return n.rfind(rule + "__" + kind + "_", 0) == 0; });
  };
  int checked = 0;
  for (std::sregex_iterator it(rules.begin(), rules.end(), line), end; it != end; ++it) {
    const std::string rule = (*it)[1], kind = (*it)[2];
    if (kind != "reject" && kind != "ui" && kind != "complete" && kind != "scope") continue;
    ++checked;
    const bool exempt = kNotCheckable.count(rule) > 0;
    if (!has(rule, "break") && !exempt) ADD_FAILURE() << rule << " (" << kind << ") has no __break_ case";
    if (!has(rule, "keep") && !exempt) ADD_FAILURE() << rule << " (" << kind << ") has no __keep_ case";
  }
  EXPECT_GT(checked, 70);
}

}  // namespace
