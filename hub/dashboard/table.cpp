#include "hub/dashboard/table.h"

#include <cstdio>
#include <ctime>

#include "hub/util/strings.h"

namespace reghub::dashboard {

void Table::add(std::vector<Cell> row) {
  for (auto& c : row) {
    c.text = util::maskDigitRuns(std::move(c.text));
    c.link = util::maskDigitRuns(std::move(c.link));
  }
  rows.push_back(std::move(row));
}

Cell text(std::string value, std::string link) { return Cell{std::move(value), std::move(link), false, {}}; }

Cell number(int64_t value, std::string link) { return Cell{std::to_string(value), std::move(link), true, {}}; }

namespace {
std::tm utc(int64_t millis) {
  const std::time_t secs = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}
}  // namespace

std::string isoDate(int64_t millis) {
  const std::tm tm = utc(millis);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

std::string isoDateTime(int64_t millis) {
  const std::tm tm = utc(millis);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %02d:%02d:%02d", isoDate(millis).c_str(), tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace reghub::dashboard
