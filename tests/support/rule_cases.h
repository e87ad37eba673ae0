#pragma once
// One runner for every adapter's data-driven rule cases (STYLE.md "Tests":
// a folder per case, one runner executes them all; adding a case needs no C++).
//
// A suite is a folder of cases, one folder per case, named
// `<RULE>__<break|keep>_<what>` (BASE__keep_… for the valid base). Each
// folder holds:
//   input.<json|xml|ndjson>     inbound FHIR (CONTRACT §1), or a registry's own
//                               document the adapter inspects (inspectSource)
//   expected_diagnostics.jsonl  one object per expected diagnostic:
//                               {"severity", "rule"[, "field"][, "path_contains"]}
//                               ("field" given: must equal; "path_contains":
//                               the diagnostic's path contains it)
//   description.txt             one line: what the case shows
//   settings.properties         optional: the adapter's keys, read through its factory
//   alias.txt                   optional: a break case whose rule is reported
//                               under another id says so here
// Beside the cases, an optional coverage exemptions file lists rule ids that
// need no break/keep pair: `RULE-ID  reason` per line, `#` comments.
//
// A case runs through the real ingest and pipeline with the suite's adapter
// (built by its factory) as of the suite's day. The comparison: every warning
// and error (of any registry) and every info of the adapter must be expected,
// and every expected one must appear (a one-to-one matching). No diagnostic
// may hold a full CPR; each says its file, and the adapter's its forløb.
// A suite of the adapter's validator (Judged::kValidator: LTT, whose cases
// are mostly KL reports checked as they stand) answers for the adapter's
// warnings and errors only, and a report has no forløb to name.
//
// Test-only; may do file I/O; not thread-safe (registration runs at start-up).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "hub/diag/diagnostic.h"
#include "hub/model/date.h"

namespace reghub::test {

struct RuleCaseSuite {
  std::string name;                       // GoogleTest suite: "Cases/<name>.Diagnostics/<case>"
  std::string adapter;                    // registered name ("smdb")
  std::filesystem::path casesDir;         // one folder per case
  std::filesystem::path rulesMd;          // ../shared/reference/<x>/RULES.md
  std::string rulePrefix;                 // ids of RULES.md ("SMDB" → SMDB-GEN-01)
  model::Date asOf;                       // the run's "today"
  std::vector<std::string> ruleKinds;     // checklist kinds needing cases; empty: every id
  size_t minRules = 1;                    // RULES.md must yield more ids than this
  std::filesystem::path exemptions;       // optional coverage exemptions file
  enum class Judged { kPipeline, kValidator };
  Judged judged = Judged::kPipeline;      // what the cases answer for (above)
};

struct ExpectedDiagnostic {
  std::string severity, rule;
  std::optional<std::string> field;
  std::string pathContains;
  std::string show() const;
};

// The lines of an expected_diagnostics.jsonl; a line that is not an object
// of the known keys goes to `problems` (a typo must not weaken a case).
std::vector<ExpectedDiagnostic> readExpected(const std::filesystem::path& file, std::vector<std::string>& problems);

// Case folder names, sorted.
std::vector<std::string> caseNames(const std::filesystem::path& casesDir);

// "SMDB-IVAER-07__break_x" → {"SMDB-IVAER-07", "break"}; nullopt if the name
// does not say a rule and an outcome.
struct CaseName {
  std::string rule, outcome;
};
std::optional<CaseName> parseCaseName(const std::string& name);

struct CaseRun {
  std::vector<diag::Diagnostic> diagnostics;  // everything reported
  bool unreadable = false;
};
// Runs one case folder through ingest + pipeline. Throws config::ConfigError
// for a bad settings.properties.
CaseRun runCase(const RuleCaseSuite& suite, const std::filesystem::path& dir);

// What the comparison found wrong; empty: the case passes.
std::vector<std::string> compareDiagnostics(const RuleCaseSuite& suite, const std::vector<ExpectedDiagnostic>& expected,
                                            const std::vector<diag::Diagnostic>& reported);

// What the RULES.md coverage check found wrong; empty: covered.
std::vector<std::string> coverageProblems(const RuleCaseSuite& suite);

// Registers "Cases/<name>.Diagnostics/<case>" for every case folder and
// "<name>Coverage.EveryRuleHasBreakAndKeepCases" with GoogleTest.
void registerRuleCases(const RuleCaseSuite& suite);

}  // namespace reghub::test
