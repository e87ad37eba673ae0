#include "hub/cli/args.h"

#include <stdexcept>

namespace reghub::cli {

Args::Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs) {
  auto find = [&](const std::string& n) -> const OptionSpec* {
    for (const auto& s : specs)
      if (s.name == n) return &s;
    return nullptr;
  };
  bool onlyPositionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (onlyPositionals || a == "-" || a.size() < 2 || a[0] != '-') {
      positionals_.push_back(a);
      continue;
    }
    if (a == "--") {
      onlyPositionals = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) throw UsageError("unknown option '" + a + "' (options are --name)");
    std::string name = a.substr(2), value;
    bool inlineValue = false;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      inlineValue = true;
    }
    const OptionSpec* spec = find(name);
    if (!spec) throw UsageError("unknown option '--" + name + "'; see --help");
    if (spec->takesValue && !inlineValue) {
      if (i + 1 >= argv.size()) throw UsageError("option '--" + name + "' needs a value");
      value = argv[++i];
    } else if (!spec->takesValue && inlineValue) {
      throw UsageError("option '--" + name + "' takes no value");
    }
    values_[name] = value;
  }
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  const auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

std::string formatOptions(const std::vector<OptionSpec>& specs) {
  std::string out;
  for (const auto& s : specs) {
    std::string left = "  --" + s.name + (s.takesValue ? " VALUE" : "");
    if (left.size() < 26) left.resize(26, ' ');
    out += left + " " + s.help;
    if (!s.defaultValue.empty()) out += " (default: " + s.defaultValue + ")";
    out += "\n";
  }
  return out;
}

}  // namespace reghub::cli
