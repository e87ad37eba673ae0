#include "hub/ingest/r4_types.h"

#include <algorithm>
#include <cctype>

#include "hub/util/strings.h"

namespace reghub::ingest {

namespace {

constexpr std::string_view kTypes[] = {
#include "r4_resource_types.inc"
};

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Optimal string alignment distance: edits, with a swap of two neighbours
// as one edit (the usual typo: "Patinet").
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

const std::vector<std::string_view>& r4ResourceTypes() {
  static const std::vector<std::string_view> kAll = [] {
    std::vector<std::string_view> v(std::begin(kTypes), std::end(kTypes));
    std::sort(v.begin(), v.end());  // for binary_search, whatever the file's order
    return v;
  }();
  return kAll;
}

bool isR4ResourceType(std::string_view type) {
  const auto& all = r4ResourceTypes();
  return std::binary_search(all.begin(), all.end(), type);
}

std::string closestR4ResourceType(std::string_view type) {
  if (type.empty() || type.size() > 64) return {};  // a long value is no typo of a type name
  std::string_view best;
  size_t bestDistance = type.size() < 6 ? 1 : 2;  // more would suggest unrelated types
  for (std::string_view t : r4ResourceTypes()) {
    if (equalsIgnoringCase(t, type)) return std::string(t);
    const size_t d = editDistance(type, t);
    if (d < bestDistance || (d == bestDistance && best.empty())) {
      best = t;
      bestDistance = d;
    }
  }
  return std::string(best);
}

bool isUnlimitedStringElement(std::string_view name) {
  return name == "data" || name == "hash" || name == "query" || name == "carrierAIDC" || name == "div" ||
         util::endsWith(name, "Base64Binary");
}

}  // namespace reghub::ingest
