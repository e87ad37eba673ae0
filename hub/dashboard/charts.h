#pragma once
// Server-rendered SVG bar charts (issue 15 "Over time"): no script, no
// library, no CDN; colours as SVG presentation attributes (the CSP forbids
// inline style). Stacked bars, one per label, a y axis with its maximum,
// every bar with a <title> (the browser shows the numbers on hover). The
// same numbers are in the table under each chart. Pure.
#include <cstdint>
#include <string>
#include <vector>

namespace reghub::dashboard {

struct Series {
  std::string name;   // legend text, Danish
  std::string color;  // "#2e7d32"
  std::vector<int64_t> values;  // one per label
};

std::string barChart(const std::string& title, const std::vector<std::string>& labels, const std::vector<Series>& stacked);

}  // namespace reghub::dashboard
