#pragma once
// What a registry holds, as the hub learned it by reading the registry
// (SMDB's HentData), and the work a person must do in the registry because
// no API can (manual tasks). Value types, no I/O; shared by the engine, the
// adapters and the store (hub/store/registry_mirror.h keeps them).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace reghub::delivery {

struct RegistryRecord {
  std::string registry;   // adapter name
  std::string kommune;    // 4-digit municipality code
  std::string recordId;   // the registry's id (SmdbId)
  std::string kind;       // the registry's record kind ("ANM", "TILB", …)
  std::string parentId;   // the record it hangs on, if any
  std::string groupId;    // the case it belongs to (SMDB: the sag's anmodning)
  // The hub's idempotency key when the hub sent it (the registry echoes our
  // KildeId); empty: made elsewhere (the registry's web form, an earlier system).
  std::string sourceKey;
  int version = 1;
  std::string citizenCpr;     // SENSITIVE: sealed and hashed in the store
  std::string citizenMasked;  // "ddmm**-****"
  std::vector<std::pair<std::string, std::string>> fields;  // SENSITIVE (names): sealed
  int64_t firstSeen = 0, lastSeen = 0;

  const std::string* field(const std::string& name) const {
    for (const auto& [k, v] : fields)
      if (k == name) return &v;
    return nullptr;
  }
};

// What one sync of a registry × kommune changed in the hub's picture.
struct SyncCounts {
  size_t seen = 0, added = 0, changed = 0, gone = 0, foreign = 0;
};

// One step of a manual task: a record to act on in the registry's own UI.
struct TaskStep {
  std::string recordId;
  std::string kind;
  std::string text;  // what to do, in Danish (no personal data)
};

// Work the registry's API cannot do (SMDB: system-to-system cannot delete),
// shown until a later sync finds it done (the records are gone).
struct ManualTask {
  std::string key;  // stable: the same task is opened once
  std::string registry, kommune, kind;  // kind: e.g. "slet" (delete)
  std::string forloebKey, citizenMasked;
  std::string reason;  // why, in Danish
  std::vector<TaskStep> steps;  // in the order they must be done
  int64_t openedAt = 0;
  int64_t closedAt = 0;  // 0: open
};

}  // namespace reghub::delivery
