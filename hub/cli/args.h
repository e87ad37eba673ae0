#pragma once
// Command-line arguments of one subcommand: `--key value`, `--key=value`,
// flags, and positionals. Unknown options are a usage error (exit 2).
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace reghub::cli {

struct OptionSpec {
  std::string name;  // without "--"
  bool takesValue = true;
  std::string help;
  std::string defaultValue;
};

class Args {
 public:
  // Throws UsageError with a message naming the bad argument.
  Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = {}) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positionals_;
};

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string formatOptions(const std::vector<OptionSpec>& specs);

}  // namespace reghub::cli
