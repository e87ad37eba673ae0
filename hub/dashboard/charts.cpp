#include "hub/dashboard/charts.h"

#include <algorithm>

#include "hub/dashboard/html.h"

namespace reghub::dashboard {

namespace {

constexpr int kHeight = 160, kLeft = 48, kBottom = 40, kTop = 10, kBarMax = 28;

std::string num(double v) {
  const long long r = static_cast<long long>(v * 10 + (v >= 0 ? 0.5 : -0.5));
  return std::to_string(r / 10) + (r % 10 ? "." + std::to_string(std::abs(r % 10)) : "");
}

}  // namespace

std::string barChart(const std::string& title, const std::vector<std::string>& labels, const std::vector<Series>& stacked) {
  int64_t max = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    int64_t sum = 0;
    for (const auto& s : stacked) sum += i < s.values.size() ? s.values[i] : 0;
    max = std::max(max, sum);
  }
  const int n = static_cast<int>(std::max<size_t>(labels.size(), 1));
  const int bar = std::clamp(640 / n, 6, kBarMax);
  const int width = kLeft + n * bar + 10;
  std::string svg = R"(<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width=")" + std::to_string(width) +
                    R"(" height=")" + std::to_string(kHeight + kBottom + kTop) + R"(" viewBox="0 0 )" +
                    std::to_string(width) + " " + std::to_string(kHeight + kBottom + kTop) + R"("><title>)" +
                    escape(title) + "</title>";
  const int base = kTop + kHeight;
  svg += R"(<line x1=")" + std::to_string(kLeft) + R"(" y1=")" + std::to_string(base) + R"(" x2=")" +
         std::to_string(width) + R"(" y2=")" + std::to_string(base) + R"(" stroke="#888"/>)";
  svg += R"(<text x=")" + std::to_string(kLeft - 4) + R"(" y=")" + std::to_string(kTop + 10) +
         R"(" text-anchor="end" font-size="11">)" + std::to_string(max) + "</text>";
  svg += R"(<text x=")" + std::to_string(kLeft - 4) + R"(" y=")" + std::to_string(base) +
         R"(" text-anchor="end" font-size="11">0</text>)";
  const double scale = max > 0 ? static_cast<double>(kHeight) / static_cast<double>(max) : 0;
  // A label is ~32 px wide: under every bar when bars are that wide, else under every k-th.
  const size_t every = static_cast<size_t>(std::max(1, (32 + bar - 1) / bar));
  for (size_t i = 0; i < labels.size(); ++i) {
    const int x = kLeft + static_cast<int>(i) * bar;
    double y = base;
    std::string tip = labels[i];
    for (const auto& s : stacked) {
      const int64_t v = i < s.values.size() ? s.values[i] : 0;
      tip += "; " + s.name + ": " + std::to_string(v);
      if (v == 0) continue;
      const double h = static_cast<double>(v) * scale;
      y -= h;
      svg += R"(<rect x=")" + std::to_string(x + 1) + R"(" y=")" + num(y) + R"(" width=")" + std::to_string(bar - 2) +
             R"(" height=")" + num(h) + R"(" fill=")" + escape(s.color) + R"("/>)";
    }
    svg += R"(<rect x=")" + std::to_string(x) + R"(" y=")" + std::to_string(kTop) + R"(" width=")" + std::to_string(bar) +
           R"(" height=")" + std::to_string(kHeight) + R"(" fill="transparent"><title>)" + escape(tip) + "</title></rect>";
    if (i % every == 0)
      svg += R"(<text x=")" + std::to_string(x) + R"(" y=")" + std::to_string(base + 14) + R"(" font-size="10">)" +
             escape(labels[i]) + "</text>";
  }
  svg += "</svg>";
  std::string legend = R"(<p class="legend">)";
  for (const auto& s : stacked)
    legend += R"(<span><svg width="10" height="10" xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10" fill=")" +
              escape(s.color) + R"("/></svg> )" + escape(s.name) + "</span>";
  return svg + legend + "</p>";
}

}  // namespace reghub::dashboard
