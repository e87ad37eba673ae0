#pragma once
// The registry mirror (issue #12; docs/STORE.md "Registry mirror"): what each
// registry holds, as the hub last read it from the registry (a sync), and the
// manual tasks the registry's API cannot do. Generic: the records are the
// registry's (SMDB's HentData answers), the hub keeps them without knowing
// what they mean.
//
// - replace() takes one sync's complete answer for a registry × kommune:
//   new and changed records are written, records no longer returned are
//   marked gone (kept, so a task can close on them).
// - Each record's fields and CPR are sealed (AES-GCM, context = registry +
//   record id); the citizen is found by the keyed hash of the CPR.
// - Tasks are opened once per key and closed when every record they name is
//   gone (closeDoneTasks, after a sync).
//
// Thread-safe (one connection, calls serialised). Every call does I/O and
// throws StoreError on database failure, KeyError when a sealed value
// cannot be opened.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub/delivery/registry_record.h"
#include "hub/store/delivery_store.h"

namespace reghub::store {

struct SyncSummary {
  std::string registry, kommune;
  int64_t at = 0;  // last sync
  delivery::SyncCounts counts;
  int64_t held = 0, foreign = 0;  // present now
};

class RegistryMirror {
 public:
  // Its own connection to the store (migrated by DeliveryStore::open first).
  static std::unique_ptr<RegistryMirror> open(const StoreOptions& options);
  ~RegistryMirror();

  // One sync's complete answer for `registry` × `kommune`, in one transaction.
  // `touched` (optional): the citizens (keyed CPR hashes, as CitizenState
  // names them) whose records were added, changed or gone.
  delivery::SyncCounts replace(const std::string& registry, const std::string& kommune,
                               const std::vector<delivery::RegistryRecord>& records, int64_t now,
                               std::set<std::string>* touched = nullptr);
  // The present records of a citizen (every kommune), oldest first.
  std::vector<delivery::RegistryRecord> forCitizen(const std::string& registry, const std::string& cpr);
  // The registry's id of the present record the hub sent under this key.
  std::optional<std::string> idForSource(const std::string& sourceKey);
  // Present records of a registry (optionally one kommune; optionally only
  // those the hub did not send).
  // `max` > 0: at most that many (status pages).
  std::vector<delivery::RegistryRecord> records(const std::string& registry, const std::string& kommune = {},
                                                bool foreignOnly = false, size_t max = 0);
  std::vector<SyncSummary> syncs(const std::string& registry = {});

  // A reference list the registry serves (SMDB: HentAlleTilbud, HentLandeliste),
  // as last read: code → label. Not personal data; stored as it is.
  void replaceList(const std::string& registry, const std::string& name,
                   const std::vector<std::pair<std::string, std::string>>& entries, int64_t now);
  struct List {
    int64_t fetchedAt = 0;
    std::vector<std::pair<std::string, std::string>> entries;
  };
  std::optional<List> list(const std::string& registry, const std::string& name);

  // Opens a task unless one with its key exists (open or closed: a task
  // done once is not opened again). True when opened.
  bool openTask(const delivery::ManualTask& task, int64_t now);
  // Closes the open tasks of `registry` whose records are all gone; how many.
  size_t closeDoneTasks(const std::string& registry, int64_t now);
  std::vector<delivery::ManualTask> tasks(const std::string& registry = {}, bool includeClosed = false);

  // Key rotation (`reghub rekey`): the next `max` records (every registry,
  // gone ones too) are sealed with the current key where they are not yet.
  // `cursor` moves on, so a killed rekey resumes; `done` at the end. How many
  // were sealed again.
  size_t rekey(std::string& cursor, bool& done, size_t max);
  // Retention (`reghub prune`): the records of `registry` gone from the
  // registry before `goneBefore` are deleted with their sealed fields and CPR
  // hash. Nothing needs them: their tasks closed when they went, and a record
  // that comes back is read as new. How many.
  size_t pruneGone(const std::string& registry, int64_t goneBefore);

 private:
  RegistryMirror(std::unique_ptr<SqlDb> db, std::shared_ptr<const Keyring> keyring);
  delivery::RegistryRecord fromRow(const SqlRow& row) const;
  std::unique_ptr<SqlDb> db_;
  std::shared_ptr<const Keyring> keyring_;
  std::mutex mu_;
};

}  // namespace reghub::store
