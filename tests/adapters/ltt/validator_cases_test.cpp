// Data-driven rule cases: tests/adapters/ltt/cases/<RULE>_<break|keep>_<what>/
//   description.txt             one line: what the case shows
//   input.json                  a KL bundle (checked as it stands) or inbound FHIR (mapped, then checked)
//   expected_diagnostics.jsonl  one {"rule":…, "severity":…[, "path":…]} per expected warning/error
//   case.json (optional)        {"asOf": "YYYY-MM-DD"}
// The input is read through the real ingest and pipeline with the LTT
// adapter (validate only). The adapter's warnings and errors (registry
// "ltt"; the hub's own HUB-… findings are tested with the hub) must match exactly (as a
// multiset of rule+severity; a given path must occur). A further test
// checks that every rule id of RULES.md has a breaking and a keeping case.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>

#include "adapters/ltt/ltt_adapter.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;

std::string casesDir() { return test::sourceDir() + "/tests/adapters/ltt/cases"; }

std::vector<std::string> caseNames() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(casesDir()))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

struct Expected {
  std::string rule, severity, path;
};

std::vector<Expected> readExpected(const std::string& file) {
  std::vector<Expected> out;
  if (!fs::exists(file)) return out;
  std::stringstream ss(test::readFile(file));
  std::string line;
  while (std::getline(ss, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto d = test::parseJson(line);
    Expected e{d["rule"].GetString(), d["severity"].GetString(), d.HasMember("path") ? d["path"].GetString() : ""};
    out.push_back(e);
  }
  return out;
}

std::vector<diag::Diagnostic> runCase(const std::string& dir) {
  model::Date asOf = *model::Date::parse("2026-06-30");
  if (fs::exists(dir + "/case.json")) {
    const auto c = test::parseJson(test::readFile(dir + "/case.json"));
    if (c.HasMember("asOf")) asOf = *model::Date::parse(c["asOf"].GetString());
  }
  LttAdapter adapter;
  engine::RunContext ctx;
  ctx.asOf = asOf;
  diag::Collector sink;
  engine::NoPriorDeliveries prior;
  const diag::Reporter reporter(sink);
  engine::Pipeline pipeline({&adapter}, ctx, reporter, nullptr, prior);
  ingest::Ingestor ingestor(pipeline, reporter);
  ingestor.readPath(dir + "/input.json");
  ingestor.finish();
  std::vector<diag::Diagnostic> out;
  for (auto& d : sink.take())
    if (d.severity != diag::Severity::kInfo && d.registry == "ltt") out.push_back(std::move(d));
  return out;
}

class LttRuleCase : public ::testing::TestWithParam<std::string> {};

TEST_P(LttRuleCase, DiagnosticsMatchExpected) {
  const std::string dir = casesDir() + "/" + GetParam();
  ASSERT_TRUE(fs::exists(dir + "/description.txt")) << "case needs a one-line description.txt";
  SCOPED_TRACE(test::readFile(dir + "/description.txt"));
  const auto expected = readExpected(dir + "/expected_diagnostics.jsonl");
  const auto got = runCase(dir);
  std::vector<std::string> want, have;
  for (const auto& e : expected) want.push_back(e.rule + " " + e.severity);
  std::sort(want.begin(), want.end());
  have = test::ruleLines(got);
  std::string detail;
  for (const auto& d : got) detail += "  " + diag::toTextLine(d) + "\n";
  EXPECT_EQ(have, want) << "diagnostics:\n" << detail;
  for (const auto& e : expected) {
    if (e.path.empty()) continue;
    const bool found = std::any_of(got.begin(), got.end(), [&](const diag::Diagnostic& d) {
      return d.rule == e.rule && d.path.find(e.path) != std::string::npos;
    });
    EXPECT_TRUE(found) << e.rule << " expected at a path containing '" << e.path << "'\n" << detail;
  }
  for (const auto& d : got) EXPECT_EQ(d.citizen.find_first_of("0123456789", 4), std::string::npos) << "unmasked CPR";
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
  std::string s;
  for (char c : info.param) s.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return s;
}

INSTANTIATE_TEST_SUITE_P(Cases, LttRuleCase, ::testing::ValuesIn(caseNames()), testName);

TEST(LttRuleCoverage, EveryRulesMdIdHasABreakingAndAKeepingCase) {
  const std::string rules = test::readFile(test::sharedDir() + "/reference/ltt/RULES.md");
  std::set<std::string> ids;
  const std::regex re("\\| (LTT-[A-Z]+-[0-9]+) \\|");
  for (auto it = std::sregex_iterator(rules.begin(), rules.end(), re); it != std::sregex_iterator(); ++it)
    ids.insert((*it)[1]);
  ASSERT_GT(ids.size(), 60u);
  const auto names = caseNames();
  for (const auto& id : ids) {
    const bool brk = std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(id + "_break", 0) == 0; });
    const bool keep = std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(id + "_keep", 0) == 0; });
    EXPECT_TRUE(brk) << id << " has no breaking case folder";
    EXPECT_TRUE(keep) << id << " has no keeping case folder";
  }
  // A breaking case must expect its rule; a keeping case must not.
  for (const auto& n : names) {
    const std::string id = n.substr(0, n.find('_'));
    const auto exp = readExpected(casesDir() + "/" + n + "/expected_diagnostics.jsonl");
    const bool mentions = std::any_of(exp.begin(), exp.end(), [&](const Expected& e) { return e.rule == id; });
    const bool aliasOk = fs::exists(casesDir() + "/" + n + "/alias.txt");  // rule checked under another id
    if (n.find("_break") != std::string::npos && !aliasOk) {
      EXPECT_TRUE(mentions) << n << " does not expect " << id;
    }
    if (n.find("_keep") != std::string::npos) {
      EXPECT_FALSE(mentions) << n << " expects " << id;
    }
  }
}

}  // namespace
}  // namespace reghub::ltt
