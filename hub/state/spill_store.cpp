#include "hub/state/spill_store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "hub/store/keyring.h"

namespace reghub::state {

namespace {

// Only keyed hashes and order in clear; every record sealed whole.
constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA cache_size=-4096;
PRAGMA temp_store=FILE;
CREATE TABLE held (
  key TEXT PRIMARY KEY, patient TEXT NOT NULL, parent TEXT NOT NULL, last_updated TEXT NOT NULL,
  version INTEGER, arrival INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX held_patient ON held(patient, arrival);
CREATE INDEX held_parent ON held(parent, arrival) WHERE patient = '';
CREATE TABLE patients (grp TEXT NOT NULL, arrival INTEGER NOT NULL, key TEXT NOT NULL);
)sql";

struct StmtFree {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFree>;

std::string text(sqlite3_stmt* s, int col) {
  const auto* p = sqlite3_column_text(s, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s, col)))
           : std::string();
}

}  // namespace

struct SpillStore::Impl {
  sqlite3* db = nullptr;
  store::Keyring key{"spill", store::Keyring::generateKeyB64()};  // exists only in this process
  Stmt selectVersion, insert, byPatient, byParent, all, remove, addPatient;
  // Writes are batched: one transaction per kBatch puts (and before reads).
  static constexpr int kBatch = 2000;
  int pending = 0;

  ~Impl() {
    for (Stmt* st : {&selectVersion, &insert, &byPatient, &byParent, &all, &remove, &addPatient}) st->reset();
    if (db) sqlite3_close(db);
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("temporary spill file: " + what + ": " + (db ? sqlite3_errmsg(db) : "?"));
  }
  std::string hash(const std::string& k) const { return k.empty() ? std::string() : key.lookupHash(k); }
  Stmt prepare(const std::string& sql) const {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) fail("prepare");
    return Stmt(s);
  }
  void bind(sqlite3_stmt* s, int i, const std::string& v) const {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  ResourceRecord row(sqlite3_stmt* s) const {
    auto r = recordFromJson(key.open("spill", text(s, 1), text(s, 0)));
    if (!r) throw std::runtime_error("temporary spill file: a record does not read back");
    return std::move(*r);
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
  }
  void beforeWrite() {
    if (pending == 0) exec("BEGIN");
  }
  void afterWrite() {
    if (++pending >= kBatch) flush();
  }
  void flush() {
    if (pending == 0) return;
    exec("COMMIT");
    pending = 0;
  }
  // Runs a prepared SELECT (key, body) with at most one parameter, then
  // deletes those rows.
  std::vector<ResourceRecord> take(sqlite3_stmt* sel, const std::string* param) {
    flush();
    std::vector<ResourceRecord> out;
    std::vector<std::string> keys;
    sqlite3_reset(sel);
    if (param) bind(sel, 1, *param);
    int rc;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
      keys.push_back(text(sel, 0));
      out.push_back(row(sel));
    }
    sqlite3_reset(sel);
    if (rc != SQLITE_DONE) fail("read");
    if (out.empty()) return out;
    exec("BEGIN");
    for (const std::string& k : keys) {
      sqlite3_reset(remove.get());
      bind(remove.get(), 1, k);
      if (sqlite3_step(remove.get()) != SQLITE_DONE) fail("delete");
    }
    sqlite3_reset(remove.get());
    exec("COMMIT");
    return out;
  }
};

SpillStore::SpillStore() : impl_(std::make_unique<Impl>()) {
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/reghub-spill-XXXXXX";
  const mode_t old = umask(077);
  const int fd = mkstemp(path.data());
  umask(old);
  if (fd < 0) throw std::runtime_error("cannot create a temporary spill file in " + path);
  close(fd);
  const int rc = sqlite3_open(path.c_str(), &impl_->db);
  // Gone from the directory at once: nothing is left behind, even by kill -9
  // (SQLite keeps its descriptor; with journal_mode=OFF it opens no other file).
  ::unlink(path.c_str());
  if (rc != SQLITE_OK) impl_->fail("open");
  if (sqlite3_exec(impl_->db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) impl_->fail("schema");
  impl_->selectVersion = impl_->prepare("SELECT last_updated, version FROM held WHERE key = ?1");
  impl_->insert = impl_->prepare(
      "INSERT OR REPLACE INTO held (key, patient, parent, last_updated, version, arrival, body) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  impl_->byPatient = impl_->prepare("SELECT key, body FROM held WHERE patient = ?1 ORDER BY arrival");
  impl_->byParent = impl_->prepare("SELECT key, body FROM held WHERE patient = '' AND parent = ?1 ORDER BY arrival");
  impl_->all = impl_->prepare("SELECT key, body FROM held ORDER BY arrival");
  impl_->remove = impl_->prepare("DELETE FROM held WHERE key = ?1");
  impl_->addPatient = impl_->prepare("INSERT INTO patients (grp, arrival, key) VALUES (?1, ?2, ?3)");
}

void SpillStore::addPatient(const std::string& key, const std::string& cpr, uint64_t arrival) {
  impl_->beforeWrite();
  sqlite3_stmt* s = impl_->addPatient.get();
  sqlite3_reset(s);
  impl_->bind(s, 1, impl_->key.lookupHash(cpr.empty() ? "key\n" + key : "cpr\n" + cpr));
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(arrival));
  impl_->bind(s, 3, impl_->key.seal(key, "patient"));
  if (sqlite3_step(s) != SQLITE_DONE) impl_->fail("write");
  impl_->afterWrite();
}

void SpillStore::forEachPatientGroup(
    const std::function<void(uint64_t position, std::vector<std::string>&& keys)>& fn) {
  impl_->flush();
  // SQLite sorts with its page cache and temporary files, so memory stays
  // bounded however many citizens there are.
  Stmt sel = impl_->prepare(
      "SELECT grp, MIN(arrival) OVER (PARTITION BY grp) AS pos, key FROM patients ORDER BY pos, arrival");
  std::string group;
  uint64_t position = 0;
  std::vector<std::string> keys;
  int rc;
  while ((rc = sqlite3_step(sel.get())) == SQLITE_ROW) {
    std::string g = text(sel.get(), 0);
    if (g != group && !keys.empty()) fn(position, std::move(keys));
    if (g != group) keys.clear();
    group = std::move(g);
    position = static_cast<uint64_t>(sqlite3_column_int64(sel.get(), 1));
    keys.push_back(impl_->key.open("spill", text(sel.get(), 2), "patient"));
  }
  if (rc != SQLITE_DONE) impl_->fail("read");
  if (!keys.empty()) fn(position, std::move(keys));
}

SpillStore::~SpillStore() = default;

SpillStore::Put SpillStore::put(const ResourceRecord& r) {
  Put result = Put::kAdded;
  const std::string key = impl_->hash(r.key);
  sqlite3_stmt* sel = impl_->selectVersion.get();
  sqlite3_reset(sel);
  impl_->bind(sel, 1, key);
  if (sqlite3_step(sel) == SQLITE_ROW) {
    ResourceVersion held{model::DateTime::parse(text(sel, 0)), std::nullopt};
    if (sqlite3_column_type(sel, 1) != SQLITE_NULL) held.versionId = sqlite3_column_int64(sel, 1);
    sqlite3_reset(sel);
    if (arrivesOlder({model::DateTime::parse(r.lastUpdated), r.versionId}, held)) return Put::kOlderIgnored;
    result = Put::kReplaced;
  }
  sqlite3_reset(sel);
  impl_->beforeWrite();
  sqlite3_stmt* s = impl_->insert.get();
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  const std::string patient = impl_->hash(r.patientKey), parent = impl_->hash(r.firstParent());
  impl_->bind(s, 1, key);
  impl_->bind(s, 2, patient);
  impl_->bind(s, 3, parent);
  impl_->bind(s, 4, r.lastUpdated);  // a timestamp, kept for the version order
  if (r.versionId) sqlite3_bind_int64(s, 5, *r.versionId);
  sqlite3_bind_int64(s, 6, static_cast<sqlite3_int64>(r.arrival));
  impl_->bind(s, 7, impl_->key.seal(toJson(r), key));
  if (sqlite3_step(s) != SQLITE_DONE) impl_->fail("write");
  impl_->afterWrite();
  if (r.patientKey.empty())
    parents_.insert(std::hash<std::string>{}(parent));
  else
    patients_.insert(std::hash<std::string>{}(patient));
  if (result == Put::kAdded) ++count_;
  return result;
}

// The records of these groups (Patients, or parents of what names none),
// asked only for groups that may have any.
std::vector<ResourceRecord> SpillStore::takeGroups(const std::vector<std::string>& keys, bool byPatient) {
  std::vector<ResourceRecord> out;
  if (count_ == 0) return out;
  const auto& seen = byPatient ? patients_ : parents_;
  for (const std::string& k : keys) {
    const std::string h = impl_->hash(k);
    if (!seen.count(std::hash<std::string>{}(h))) continue;
    auto part = impl_->take(byPatient ? impl_->byPatient.get() : impl_->byParent.get(), &h);
    count_ -= part.size();
    for (auto& r : part) out.push_back(std::move(r));
  }
  return out;
}

std::vector<ResourceRecord> SpillStore::takePatients(const std::vector<std::string>& patientKeys) {
  return takeGroups(patientKeys, true);
}

std::vector<ResourceRecord> SpillStore::takeOrphansOf(const std::vector<std::string>& parentKeys) {
  return takeGroups(parentKeys, false);
}

std::vector<ResourceRecord> SpillStore::takeRest() {
  auto out = count_ == 0 ? std::vector<ResourceRecord>{} : impl_->take(impl_->all.get(), nullptr);
  count_ = 0;
  return out;
}

}  // namespace reghub::state
