#pragma once
// What the SMDB sandbox holds, as SMDB holds it: one row per record (a
// skema of a sag) with its SmdbId, version, parent, the sender's KildeId
// (none for records made "in SMDB-web") and its fields, in an SQLite file.
// The sandbox is a test double: the CPR is kept in clear here, as the
// registry keeps it; the file is 0600 and removed with the sandbox unless it
// was named (smdb.sandboxStateFile).
// Not thread-safe: the sandbox serialises its use.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/smdb/hent_data.h"
#include "hub/store/sql_db.h"

namespace reghub::smdb {

struct SandboxRecord : SmdbRecord {
  std::string origin;     // "system" (IndsaetData) or "web" (SMDB-web, a test put it there)
  std::string operation;  // the last operation that wrote it
};

class SandboxRecords {
 public:
  explicit SandboxRecords(const std::string& path);
  ~SandboxRecords();

  std::vector<SandboxRecord> all();
  std::optional<SandboxRecord> get(const std::string& smdbId);
  std::optional<SandboxRecord> byKildeId(const std::string& kildeId);
  std::vector<SandboxRecord> ofSag(const std::string& sagId);
  // Every record of the citizen's sager (every kommune): the one-active-sag rule looks across them.
  std::vector<SandboxRecord> ofCitizen(const std::string& cpr);
  std::vector<SandboxRecord> query(const std::string& kommune, const std::vector<Skema>& skemaer,
                                   const std::string& cpr = {});

  // The writes of one accepted call, in one transaction: `changes` in order;
  // a new record (empty smdbId) gets its id, and later changes may name an
  // earlier new one as parent or sag by its index ("#<i>"). Returns the ids.
  std::vector<std::string> write(std::vector<SandboxRecord> changes);
  // SMDB-web's delete: false (and nothing removed) while records hang on it.
  enum class Removed { kRemoved, kNotFound, kHasChildren };
  Removed remove(const std::string& smdbId);

 private:
  std::unique_ptr<store::SqlDb> db_;
};

}  // namespace reghub::smdb
