#include "hub/config/help.h"

namespace reghub::config {

std::string formatHelp(const std::vector<Key>& keys) {
  std::string out;
  for (const Key& k : keys) {
    std::string line = "  " + k.name;
    if (!k.secret && !k.defaultValue.empty()) line += " = " + k.defaultValue;
    line += "   (" + k.accepts() + ")";
    if (k.secret) line += "   [secret]";
    if (!k.env.empty()) line += "   [env " + k.env + "]";
    out += line + "\n      " + k.description + "\n";
  }
  return out;
}

std::string exampleLine(const Key& k) {
  if (k.secret || k.defaultValue.empty()) return "# " + k.name + " =";
  return k.name + " = " + k.defaultValue;
}

}  // namespace reghub::config
