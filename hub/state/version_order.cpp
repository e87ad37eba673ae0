#include "hub/state/version_order.h"

#include <charconv>

namespace reghub::state {

std::optional<int64_t> numericVersionId(std::string_view versionId) {
  if (versionId.empty() || versionId.size() > 18) return std::nullopt;
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(versionId.data(), versionId.data() + versionId.size(), n);
  if (ec != std::errc() || end != versionId.data() + versionId.size() || n < 0) return std::nullopt;
  return n;
}

bool arrivesOlder(const ResourceVersion& incoming, const ResourceVersion& held) {
  if (incoming.lastUpdated && held.lastUpdated && !(*incoming.lastUpdated == *held.lastUpdated))
    return *incoming.lastUpdated < *held.lastUpdated;
  if (incoming.versionId && held.versionId) return *incoming.versionId < *held.versionId;
  return false;  // later arrival wins
}

}  // namespace reghub::state
