#include "hub/state/spill_store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "hub/store/keyring.h"
#include "hub/util/strings.h"

namespace reghub::state {

namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=OFF;
PRAGMA synchronous=OFF;
PRAGMA cache_size=-8192;
PRAGMA temp_store=FILE;
CREATE TABLE held (
  key TEXT PRIMARY KEY, patient TEXT NOT NULL, parent TEXT NOT NULL, last_updated TEXT NOT NULL,
  version INTEGER, arrival INTEGER NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL, path TEXT NOT NULL,
  profile TEXT NOT NULL, full_url TEXT NOT NULL, links TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX held_patient ON held(patient, arrival);
CREATE INDEX held_parent ON held(parent, arrival) WHERE patient = '';
)sql";

constexpr const char* kColumns =
    "key, patient, parent, last_updated, version, arrival, file, line, path, profile, full_url, links, body";

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
  std::string path;
  sqlite3* db = nullptr;
  store::Keyring key{"spill", store::Keyring::generateKeyB64()};
  Stmt selectVersion, insert, byPatient, byParent, all, remove;
  // Writes are batched: one transaction per kBatch puts (and before reads).
  static constexpr int kBatch = 2000;
  int pending = 0;

  ~Impl() {
    for (Stmt* st : {&selectVersion, &insert, &byPatient, &byParent, &all, &remove}) st->reset();
    if (db) sqlite3_close(db);
    if (!path.empty()) std::filesystem::remove(path);
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("temporary spill store " + path + ": " + what + ": " + (db ? sqlite3_errmsg(db) : "?"));
  }
  Stmt prepare(const std::string& sql) const {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) fail("prepare");
    return Stmt(s);
  }
  void bind(sqlite3_stmt* s, int i, const std::string& v) const {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  ResourceRecord row(sqlite3_stmt* s) const {
    ResourceRecord r;
    r.key = text(s, 0);
    r.patientKey = text(s, 1);
    r.lastUpdated = text(s, 3);
    if (sqlite3_column_type(s, 4) != SQLITE_NULL) r.versionId = sqlite3_column_int64(s, 4);
    r.arrival = static_cast<uint64_t>(sqlite3_column_int64(s, 5));
    r.file = text(s, 6);
    r.line = sqlite3_column_int(s, 7);
    r.path = text(s, 8);
    r.containerProfile = text(s, 9);
    r.fullUrl = text(s, 10);
    // links: the organization key, then the parent keys, one per line.
    auto links = util::split(text(s, 11), '\n');
    if (!links.empty()) {
      r.orgKey = links.front();
      r.parentKeys.assign(links.begin() + 1, links.end());
      r.type = r.key.substr(0, r.key.find('/'));
    }
    r.json = key.open("spill", text(s, 12), r.key);
    return r;
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
  // Runs a prepared SELECT of whole rows (with at most one text parameter),
  // then deletes those rows.
  std::vector<ResourceRecord> take(sqlite3_stmt* sel, const std::string* param) {
    flush();
    std::vector<ResourceRecord> out;
    sqlite3_reset(sel);
    if (param) bind(sel, 1, *param);
    int rc;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) out.push_back(row(sel));
    sqlite3_reset(sel);
    if (rc != SQLITE_DONE) fail("read");
    if (out.empty()) return out;
    exec("BEGIN");
    for (const auto& r : out) {
      sqlite3_reset(remove.get());
      bind(remove.get(), 1, r.key);
      if (sqlite3_step(remove.get()) != SQLITE_DONE) fail("delete");
    }
    sqlite3_reset(remove.get());
    exec("COMMIT");
    return out;
  }
};

SpillStore::SpillStore() : impl_(std::make_unique<Impl>()) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/reghub-spill-XXXXXX";
  const mode_t old = umask(077);
  const int fd = mkstemp(pattern.data());
  umask(old);
  if (fd < 0) throw std::runtime_error("cannot create a temporary spill file in " + pattern);
  close(fd);
  impl_->path = pattern;
  if (sqlite3_open(pattern.c_str(), &impl_->db) != SQLITE_OK) impl_->fail("open");
  if (sqlite3_exec(impl_->db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) impl_->fail("schema");
  impl_->selectVersion = impl_->prepare("SELECT last_updated, version FROM held WHERE key = ?1");
  impl_->insert = impl_->prepare(std::string("INSERT OR REPLACE INTO held (") + kColumns +
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
  const std::string select = std::string("SELECT ") + kColumns + " FROM held WHERE ";
  impl_->byPatient = impl_->prepare(select + "patient = ?1 ORDER BY arrival");
  impl_->byParent = impl_->prepare(select + "patient = '' AND parent = ?1 ORDER BY arrival");
  impl_->all = impl_->prepare(select + "1 = 1 ORDER BY arrival");
  impl_->remove = impl_->prepare("DELETE FROM held WHERE key = ?1");
}

SpillStore::~SpillStore() = default;

SpillStore::Put SpillStore::put(const ResourceRecord& r) {
  Put result = Put::kAdded;
  sqlite3_stmt* sel = impl_->selectVersion.get();
  sqlite3_reset(sel);
  impl_->bind(sel, 1, r.key);
  if (sqlite3_step(sel) == SQLITE_ROW) {
    ResourceVersion held{model::DateTime::parse(text(sel, 0)), std::nullopt};
    if (sqlite3_column_type(sel, 1) != SQLITE_NULL) held.versionId = sqlite3_column_int64(sel, 1);
    if (arrivesOlder({model::DateTime::parse(r.lastUpdated), r.versionId}, held)) return Put::kOlderIgnored;
    result = Put::kReplaced;
  }
  sqlite3_reset(sel);
  impl_->beforeWrite();
  sqlite3_stmt* s = impl_->insert.get();
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  impl_->bind(s, 1, r.key);
  impl_->bind(s, 2, r.patientKey);
  impl_->bind(s, 3, r.firstParent());
  impl_->bind(s, 4, r.lastUpdated);
  if (r.versionId) sqlite3_bind_int64(s, 5, *r.versionId);
  sqlite3_bind_int64(s, 6, static_cast<sqlite3_int64>(r.arrival));
  impl_->bind(s, 7, r.file);
  sqlite3_bind_int(s, 8, r.line);
  impl_->bind(s, 9, r.path);
  impl_->bind(s, 10, r.containerProfile);
  impl_->bind(s, 11, r.fullUrl);
  std::string links = r.orgKey;
  for (const std::string& p : r.parentKeys) links += "\n" + p;
  impl_->bind(s, 12, links);
  impl_->bind(s, 13, impl_->key.seal(r.json, r.key));
  if (sqlite3_step(s) != SQLITE_DONE) impl_->fail("write");
  impl_->afterWrite();
  if (r.patientKey.empty())
    parents_.insert(r.firstParent());
  else
    patients_.insert(r.patientKey);
  if (result == Put::kAdded) ++count_;
  return result;
}

std::vector<ResourceRecord> SpillStore::takePatients(const std::vector<std::string>& patientKeys) {
  std::vector<ResourceRecord> out;
  if (count_ == 0) return out;
  for (const std::string& p : patientKeys) {
    if (patients_.erase(p) == 0) continue;
    auto part = impl_->take(impl_->byPatient.get(), &p);
    count_ -= part.size();
    for (auto& r : part) out.push_back(std::move(r));
  }
  return out;
}

std::vector<ResourceRecord> SpillStore::takeOrphansOf(const std::vector<std::string>& parentKeys) {
  std::vector<ResourceRecord> out;
  if (count_ == 0) return out;
  for (const std::string& p : parentKeys) {
    if (parents_.erase(p) == 0) continue;
    auto part = impl_->take(impl_->byParent.get(), &p);
    count_ -= part.size();
    for (auto& r : part) out.push_back(std::move(r));
  }
  return out;
}

std::vector<ResourceRecord> SpillStore::takeRest() {
  auto out = count_ == 0 ? std::vector<ResourceRecord>{} : impl_->take(impl_->all.get(), nullptr);
  count_ = 0;
  return out;
}

}  // namespace reghub::state
