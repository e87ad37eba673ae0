#include "tests/support/api_test_support.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace reghub::testing {

api::ApiClient apiClient(std::string name, std::string token, std::set<api::Role> roles,
                         std::set<std::string> kommuner) {
  api::ApiClient c;
  c.name = std::move(name);
  c.token = std::move(token);
  c.roles = std::move(roles);
  c.kommuner = std::move(kommuner);
  return c;
}

std::string smdbCitizen(const std::string& patient, const std::string& cpr, const std::string& kommune) {
  const std::string file =
      std::string(REGHUB_SOURCE_DIR) + "/tests/adapters/smdb/cases/SMDB-IVAER-10__keep_andet_with_text/input.json";
  std::ifstream in(file);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (s.empty()) throw std::runtime_error("cannot read " + file);
  const auto replaceAll = [&s](const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  };
  replaceAll("-1\"", "-" + patient + "\"");
  replaceAll("0101901235", cpr);
  replaceAll("\"0330\"", "\"" + kommune + "\"");
  return s;
}

}  // namespace reghub::testing
