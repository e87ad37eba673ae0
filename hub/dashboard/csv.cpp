#include "hub/dashboard/csv.h"

namespace reghub::dashboard {

namespace {

std::string field(std::string value, bool number) {
  if (!number && !value.empty() && std::string("=+-@").find(value[0]) != std::string::npos) value = "'" + value;
  if (value.find_first_of(";\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (const char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string toCsv(const Table& table) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t i = 0; i < table.headers.size(); ++i) out += (i ? ";" : "") + field(table.headers[i], false);
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (size_t i = 0; i < row.size(); ++i) out += (i ? ";" : "") + field(row[i].text, row[i].number);
    out += "\r\n";
  }
  return out;
}

}  // namespace reghub::dashboard
