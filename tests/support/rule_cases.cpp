#include "tests/support/rule_cases.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "hub/config/config.h"
#include "hub/engine/adapter_registry.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"

namespace reghub::test {

namespace fs = std::filesystem;
using diag::Diagnostic;
using diag::Severity;

namespace {

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string show(const Diagnostic& d) {
  return std::string(diag::toString(d.severity)) + " " + d.rule + " [" + d.field + "] @" + d.path + ": " + d.message;
}

std::optional<ExpectedDiagnostic> parseExpectedLine(const std::string& line, std::string& problem) {
  rapidjson::Document d;
  d.Parse(line.c_str(), line.size());
  if (d.HasParseError() || !d.IsObject()) {
    problem = "not a JSON object";
    return std::nullopt;
  }
  static const std::set<std::string> kKeys = {"severity", "rule", "field", "path_contains"};
  for (const auto& m : d.GetObject())
    if (!m.value.IsString() || !kKeys.count(m.name.GetString())) {
      problem = std::string("unknown or non-string key '") + m.name.GetString() + "'";
      return std::nullopt;
    }
  if (!d.HasMember("severity") || !d.HasMember("rule")) {
    problem = "needs severity and rule";
    return std::nullopt;
  }
  ExpectedDiagnostic e{d["severity"].GetString(), d["rule"].GetString(), std::nullopt, ""};
  if (d.HasMember("field")) e.field = d["field"].GetString();
  if (d.HasMember("path_contains")) e.pathContains = d["path_contains"].GetString();
  return e;
}

bool matches(const ExpectedDiagnostic& e, const Diagnostic& d) {
  return e.severity == diag::toString(d.severity) && e.rule == d.rule && (!e.field || *e.field == d.field) &&
         (e.pathContains.empty() || d.path.find(e.pathContains) != std::string::npos);
}

// What a case answers for: every warning and error, and the adapter's own
// infos (skips and drop notes are part of its rules); a suite of the
// adapter's validator only its warnings and errors (the hub's findings are
// the hub's tests').
bool mustBeExpected(const RuleCaseSuite& suite, const Diagnostic& d) {
  if (suite.judged == RuleCaseSuite::Judged::kValidator)
    return d.severity != Severity::kInfo && d.registry == suite.adapter;
  return d.severity != Severity::kInfo || d.registry == suite.adapter;
}

// A one-to-one matching of expected to reported diagnostics (Kuhn's
// augmenting paths), so the order of the lines never decides a case.
class Matching {
 public:
  Matching(const std::vector<ExpectedDiagnostic>& expected, const std::vector<const Diagnostic*>& reported)
      : expected_(expected), reported_(reported), owner_(reported.size(), -1) {
    for (size_t e = 0; e < expected_.size(); ++e) {
      std::vector<bool> seen(reported_.size(), false);
      augment(static_cast<int>(e), seen);
    }
  }
  bool reportedUsed(size_t r) const { return owner_[r] >= 0; }
  bool expectedUsed(size_t e) const { return std::find(owner_.begin(), owner_.end(), static_cast<int>(e)) != owner_.end(); }

 private:
  bool augment(int e, std::vector<bool>& seen) {
    for (size_t r = 0; r < reported_.size(); ++r) {
      if (seen[r] || !matches(expected_[e], *reported_[r])) continue;
      seen[r] = true;
      if (owner_[r] < 0 || augment(owner_[r], seen)) {
        owner_[r] = e;
        return true;
      }
    }
    return false;
  }

  const std::vector<ExpectedDiagnostic>& expected_;
  const std::vector<const Diagnostic*>& reported_;
  std::vector<int> owner_;  // per reported: the expected it stands for, -1 none
};

// Personal data and location: what every diagnostic must keep, expected or not.
void checkDiagnostic(const RuleCaseSuite& suite, const Diagnostic& d, std::vector<std::string>& problems) {
  static const std::regex kTenDigits("[0-9]{10}");
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  const std::string path = std::regex_replace(d.path, kUuid, "uuid");  // ids in element paths are no CPR
  for (const std::string* s : {&d.message, &d.citizen, &path, &d.forloeb, &d.field})
    if (std::regex_search(*s, kTenDigits)) problems.push_back("full CPR in: " + show(d));
  if (d.citizen.find_first_of("0123456789", 4) != std::string::npos) problems.push_back("unmasked CPR: " + show(d));
  if (d.file.empty()) problems.push_back("no file: " + show(d));
  // A registry's own report given as input has no forløb; its path says where.
  if (suite.judged == RuleCaseSuite::Judged::kPipeline && d.registry == suite.adapter && d.forloeb.empty())
    problems.push_back("no forløb: " + show(d));
}

fs::path inputOf(const fs::path& dir) {
  for (const char* ext : {"json", "xml", "ndjson"})
    if (fs::exists(dir / (std::string("input.") + ext))) return dir / (std::string("input.") + ext);
  return {};
}

struct RuleDef {
  std::string id, kind;  // kind: the checklist's (reject, ui, …), "" in a table
};

// Rule ids as RULES.md defines them: table rows `| ID |` (LTT, rehab) or
// checklist items `**ID** · … · kind` (SMDB).
std::vector<RuleDef> rulesOf(const std::string& text, const std::string& prefix) {
  std::vector<RuleDef> out;
  std::set<std::string> seen;
  const std::regex table("\\| (" + prefix + "-[A-Z]+-[0-9]+) \\|");
  const std::regex checklist("\\*\\*(" + prefix +
                             "-[A-Z]+-[0-9]+)\\*\\* [^\\n]*? (reject|ui|complete|scope|retired|process|info) ");
  for (const std::regex* re : {&table, &checklist})
    for (std::sregex_iterator it(text.begin(), text.end(), *re), end; it != end; ++it)
      if (seen.insert((*it)[1]).second) out.push_back({(*it)[1], re == &checklist ? (*it)[2].str() : ""});
  return out;
}

std::set<std::string> readExemptions(const fs::path& file) {
  std::set<std::string> out;
  if (file.empty()) return out;
  std::istringstream in(readText(file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    out.insert(line.substr(0, line.find_first_of(" \t")));
  }
  return out;
}

bool needsCases(const RuleCaseSuite& suite, const RuleDef& r) {
  return suite.ruleKinds.empty() ||
         std::find(suite.ruleKinds.begin(), suite.ruleKinds.end(), r.kind) != suite.ruleKinds.end();
}

// Every checked rule has a folder that breaks it and one that keeps it.
void checkRulesHaveCases(const RuleCaseSuite& suite, const std::vector<CaseName>& cases,
                         std::vector<std::string>& problems) {
  const std::vector<RuleDef> rules = rulesOf(readText(suite.rulesMd), suite.rulePrefix);
  const std::set<std::string> exempt = readExemptions(suite.exemptions);
  size_t checked = 0;
  for (const RuleDef& r : rules) {
    if (!needsCases(suite, r)) continue;
    ++checked;
    if (exempt.count(r.id)) continue;
    for (const char* outcome : {"break", "keep"})
      if (std::none_of(cases.begin(), cases.end(),
                       [&](const CaseName& c) { return c.rule == r.id && c.outcome == outcome; }))
        problems.push_back(r.id + (r.kind.empty() ? "" : " (" + r.kind + ")") + " has no " + outcome + " case");
  }
  if (checked <= suite.minRules)
    problems.push_back(suite.rulesMd.string() + ": only " + std::to_string(checked) + " rules found");
}

// A breaking case expects its rule (or says in alias.txt where it is
// reported); a keeping case expects no warning or error of it.
void checkCaseExpectsItsRule(const RuleCaseSuite& suite, const std::string& name, const CaseName& c,
                             std::vector<std::string>& problems) {
  std::vector<std::string> ignored;
  const auto expected = readExpected(suite.casesDir / name / "expected_diagnostics.jsonl", ignored);
  const auto mentions = [&](bool findingsOnly) {
    return std::any_of(expected.begin(), expected.end(), [&](const ExpectedDiagnostic& e) {
      return e.rule == c.rule && (!findingsOnly || e.severity != "info");
    });
  };
  if (c.outcome == "break" && !mentions(false) && !fs::exists(suite.casesDir / name / "alias.txt"))
    problems.push_back(name + " does not expect " + c.rule + " (alias.txt says why if it is reported under another id)");
  if (c.outcome == "keep" && mentions(true)) problems.push_back(name + " expects " + c.rule + " as a finding");
}

std::string testName(const std::string& caseName) {
  std::string n = caseName;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

class CaseTest : public ::testing::Test {
 public:
  CaseTest(const RuleCaseSuite& suite, std::string name) : suite_(suite), name_(std::move(name)) {}

  void TestBody() override {
    const fs::path dir = suite_.casesDir / name_;
    ASSERT_FALSE(inputOf(dir).empty()) << dir << " has no input.json, input.xml or input.ndjson";
    ASSERT_TRUE(fs::exists(dir / "description.txt")) << "a case needs a one-line description.txt";
    SCOPED_TRACE(readText(dir / "description.txt"));
    std::vector<std::string> problems;
    const auto expected = readExpected(dir / "expected_diagnostics.jsonl", problems);
    for (const std::string& p : problems) ADD_FAILURE() << p;
    const CaseRun run = runCase(suite_, dir);
    ASSERT_FALSE(run.unreadable) << "the input is unreadable";
    for (const std::string& p : compareDiagnostics(suite_, expected, run.diagnostics)) ADD_FAILURE() << p;
  }

 private:
  const RuleCaseSuite& suite_;
  std::string name_;
};

class CoverageTest : public ::testing::Test {
 public:
  explicit CoverageTest(const RuleCaseSuite& suite) : suite_(suite) {}
  void TestBody() override {
    ASSERT_TRUE(fs::exists(suite_.rulesMd)) << suite_.rulesMd;
    for (const std::string& p : coverageProblems(suite_)) ADD_FAILURE() << p;
  }

 private:
  const RuleCaseSuite& suite_;
};

}  // namespace

std::string ExpectedDiagnostic::show() const {
  return severity + " " + rule + (field ? " [" + *field + "]" : "") + (pathContains.empty() ? "" : " @" + pathContains);
}

std::vector<ExpectedDiagnostic> readExpected(const fs::path& file, std::vector<std::string>& problems) {
  std::vector<ExpectedDiagnostic> out;
  std::istringstream in(readText(file));
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string problem;
    if (auto e = parseExpectedLine(line, problem))
      out.push_back(std::move(*e));
    else
      problems.push_back(file.string() + ":" + std::to_string(n) + ": " + problem);
  }
  return out;
}

std::vector<std::string> caseNames(const fs::path& casesDir) {
  std::vector<std::string> names;
  if (fs::is_directory(casesDir))
    for (const auto& e : fs::directory_iterator(casesDir))
      if (e.is_directory()) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<CaseName> parseCaseName(const std::string& name) {
  static const std::regex kName("^([A-Z0-9-]+)__(break|keep)_.+");
  std::smatch m;
  if (!std::regex_match(name, m, kName)) return std::nullopt;
  return CaseName{m[1], m[2]};
}

CaseRun runCase(const RuleCaseSuite& suite, const fs::path& dir) {
  // settings.properties is read as the service reads its file: through the factory.
  const fs::path settings = dir / "settings.properties";
  const auto adapter =
      engine::AdapterRegistry::create(suite.adapter, config::Config::load(fs::exists(settings) ? settings.string() : ""));
  if (!adapter) throw std::runtime_error("no adapter registered as '" + suite.adapter + "'");
  engine::RunContext ctx;
  ctx.asOf = suite.asOf;
  diag::Collector sink;
  const diag::Reporter reporter(sink);
  engine::NoPriorDeliveries prior;
  engine::Pipeline pipeline({adapter.get()}, ctx, reporter, nullptr, prior);
  ingest::Ingestor ingestor(pipeline, reporter);
  ingestor.readPath(inputOf(dir).string());
  ingestor.finish();
  return CaseRun{sink.take(), ingestor.unreadable()};
}

std::vector<std::string> compareDiagnostics(const RuleCaseSuite& suite, const std::vector<ExpectedDiagnostic>& expected,
                                            const std::vector<Diagnostic>& reported) {
  std::vector<std::string> problems;
  std::vector<const Diagnostic*> relevant;
  for (const Diagnostic& d : reported) {
    checkDiagnostic(suite, d, problems);
    if (mustBeExpected(suite, d)) relevant.push_back(&d);
  }
  const Matching matching(expected, relevant);
  for (size_t e = 0; e < expected.size(); ++e)
    if (!matching.expectedUsed(e)) problems.push_back("expected but not reported: " + expected[e].show());
  for (size_t r = 0; r < relevant.size(); ++r)
    if (!matching.reportedUsed(r)) problems.push_back("reported but not expected: " + show(*relevant[r]));
  return problems;
}

std::vector<std::string> coverageProblems(const RuleCaseSuite& suite) {
  std::vector<std::string> problems;
  std::vector<CaseName> cases;
  for (const std::string& n : caseNames(suite.casesDir)) {
    const auto c = parseCaseName(n);
    if (!c) {
      problems.push_back(n + ": a case folder is named <RULE>__<break|keep>_<what>");
      continue;
    }
    cases.push_back(*c);
    checkCaseExpectsItsRule(suite, n, *c, problems);
  }
  checkRulesHaveCases(suite, cases, problems);
  return problems;
}

void registerRuleCases(const RuleCaseSuite& suite) {
  // The suite outlives every test: it is owned by a static of the caller.
  const std::string suiteName = "Cases/" + suite.name;
  for (const std::string& n : caseNames(suite.casesDir))
    ::testing::RegisterTest(suiteName.c_str(), ("Diagnostics/" + testName(n)).c_str(), nullptr, nullptr, __FILE__,
                            __LINE__, [&suite, n]() -> ::testing::Test* { return new CaseTest(suite, n); });
  ::testing::RegisterTest((suite.name + "Coverage").c_str(), "EveryRuleHasBreakAndKeepCases", nullptr, nullptr,
                          __FILE__, __LINE__, [&suite]() -> ::testing::Test* { return new CoverageTest(suite); });
}

}  // namespace reghub::test
