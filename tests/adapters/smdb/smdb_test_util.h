#pragma once
// Shared by the SMDB test files: where the case folders are, and reading a
// file whole.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace smdb_test {

inline const std::filesystem::path kCases = std::filesystem::path(REGHUB_SOURCE_DIR) / "tests/adapters/smdb/cases";

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace smdb_test
