#pragma once
// Which of two versions of the same resource (same type + id) the hub keeps
// (CONTRACT §1): the newer meta.lastUpdated; when those are equal or either
// is absent, the higher numeric meta.versionId; otherwise the later arrival.
// Pure functions, thread-safe.
#include <cstdint>
#include <optional>
#include <string_view>

#include "hub/model/date.h"

namespace reghub::state {

struct ResourceVersion {
  std::optional<model::DateTime> lastUpdated;
  std::optional<int64_t> versionId;  // only when meta.versionId is a whole number
};

// meta.versionId as a number, or nullopt when absent or not a whole number
// (an opaque versionId says nothing about order).
std::optional<int64_t> numericVersionId(std::string_view versionId);

// True when `incoming`, arriving after `held`, is older and must be ignored.
bool arrivesOlder(const ResourceVersion& incoming, const ResourceVersion& held);

}  // namespace reghub::state
