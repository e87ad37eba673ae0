#pragma once
// Helpers shared by the LTT adapter tests.
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "hub/diag/diagnostic.h"

namespace reghub::ltt::test {

std::string readFile(const std::string& path);
rapidjson::Document parseJson(const std::string& text);
std::string sourceDir();
std::string toJsonText(const rapidjson::Value& v);
std::string sharedDir();
// What a command printed: stdout, stderr and exit code.
struct CliResult {
  int exit = -1;
  std::string out, err;
};
// Runs a shell command line with stderr sent to `errFile` (read back, then removed).
CliResult runCommand(const std::string& command, const std::string& errFile);
// "rule severity" strings of the diagnostics, sorted, for comparisons.
std::vector<std::string> ruleLines(const std::vector<diag::Diagnostic>& ds);

}  // namespace reghub::ltt::test
