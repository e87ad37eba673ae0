#pragma once
// Incremental feeds (issue 8) for the SMDB case folders: a case's input.json
// split into the day files a kommune case system sends (the Patient +
// Organization + EpisodeOfCare document first, then one document per skema),
// the real `reghub` binary run over them, and the comparisons the tests make.
// Written against the CLI only (CONTRACT §1 "Deltas", §3, §4).
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace smdb_test {

// How the skema day files are written (the first document, Patient +
// Organization + EpisodeOfCare, is always a Bundle of type collection).
enum class Shape {
  kBundles,    // one Bundle (collection) per skema: 00-base.json, 01-….json, …
  kResources,  // one bare QuestionnaireResponse JSON per skema
  kNdjson,     // one NDJSON file, a line per skema: 00-base.json, 01-skemaer.ndjson
};
const char* toString(Shape s);

// Writes `input` (a case's input.json: a Bundle) as day files under `dir`
// (created) and returns them in sending order. File names sort in that order.
std::vector<std::filesystem::path> writeDayFiles(const std::filesystem::path& input, const std::filesystem::path& dir,
                                                 Shape shape);

// The case folders that are valid forløb: expected_diagnostics.jsonl holds no error.
std::vector<std::string> validCaseNames();
// "--config FILE" for a case folder with settings.properties, else nothing.
std::vector<std::string> caseConfigArgs(const std::filesystem::path& caseDir);

struct CliResult {
  int exit = -1;
  std::string out, err;
};
// Runs the real binary (REGHUB_BINARY) with `args`, no shell; stdout and
// stderr captured through files under `scratch`. `env` adds NAME=VALUE entries.
CliResult runReghub(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                    const std::vector<std::string>& env = {});

// `--format json` diagnostics as a multiset of "severity rule [field] forloeb citizen(masked) (registry)"
// — file, line and path legitimately differ between one file and day files.
std::multiset<std::string> diagnosticKeys(const std::string& jsonLines);
// How many diagnostics in `jsonLines` have rule `rule`.
int countRule(const std::string& jsonLines, const std::string& rule);
// Human-readable difference of two multisets (no message texts, no inputs).
std::string describeDifference(const std::multiset<std::string>& want, const std::multiset<std::string>& got);

// Every file under `dir`, relative path → bytes.
std::map<std::string, std::string> readTree(const std::filesystem::path& dir);
// translate --out names files NNNNNN-<kind>-<key>.<ext>: the same without the
// run's sequence number.
std::string withoutSequence(const std::string& relativePath);

// A fresh directory under the system temp dir, removed by the destructor.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A gtest parameter name from a case folder name.
std::string testName(const std::string& caseName);

}  // namespace smdb_test
