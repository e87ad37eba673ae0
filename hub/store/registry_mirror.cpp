#include "hub/store/registry_mirror.h"

#include <map>
#include <set>

namespace reghub::store {

namespace {

std::string toStr(const std::optional<std::string>& v) { return v ? *v : std::string(); }
SqlParam nullable(const std::string& s) { return s.empty() ? SqlParam{} : SqlParam{s}; }
int64_t toInt(const std::optional<std::string>& v) { return v && !v->empty() ? std::stoll(*v) : 0; }

constexpr const char* kSealContext = "registry_records";
constexpr const char* kColumns =
    "registry, record_id, kommune, kind, parent_id, group_id, source_key, version, citizen_masked, key_id, sealed, "
    "first_seen, last_seen";

// Lines of "name<TAB>value"; backslash, tab and newline escaped. The first line is the CPR.
std::string escape(const std::string& v) {
  std::string o;
  for (char c : v) {
    if (c == '\\') o += "\\\\";
    else if (c == '\t') o += "\\t";
    else if (c == '\n') o += "\\n";
    else o += c;
  }
  return o;
}
std::string unescape(const std::string& v) {
  std::string o;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char n = v[++i];
      o += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      o += v[i];
    }
  }
  return o;
}
std::string sealedText(const delivery::RegistryRecord& r) {
  std::string s = "cpr\t" + escape(r.citizenCpr) + "\n";
  for (const auto& [k, v] : r.fields) s += escape(k) + "\t" + escape(v) + "\n";
  return s;
}
// Calls `line` for each line of `text` (without its newline).
template <typename F>
void forEachLine(const std::string& text, F line) {
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    line(text.substr(at, end - at));
    at = end + 1;
  }
}

void readSealed(const std::string& text, delivery::RegistryRecord& r) {
  forEachLine(text, [&](const std::string& line) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) return;
    const std::string k = unescape(line.substr(0, tab)), v = unescape(line.substr(tab + 1));
    if (k == "cpr" && r.citizenCpr.empty() && r.fields.empty()) r.citizenCpr = v;
    else r.fields.emplace_back(k, v);
  });
}
std::string context(const std::string& registry, const std::string& id) {
  return std::string(kSealContext) + "\n" + registry + "\n" + id;
}

std::string stepsText(const std::vector<delivery::TaskStep>& steps) {
  std::string s;
  for (const auto& st : steps) s += escape(st.recordId) + "\t" + escape(st.kind) + "\t" + escape(st.text) + "\n";
  return s;
}
std::vector<delivery::TaskStep> readSteps(const std::string& text) {
  std::vector<delivery::TaskStep> out;
  forEachLine(text, [&](const std::string& line) {
    const size_t a = line.find('\t'), b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) return;
    out.push_back({unescape(line.substr(0, a)), unescape(line.substr(a + 1, b - a - 1)), unescape(line.substr(b + 1))});
  });
  return out;
}

}  // namespace

RegistryMirror::RegistryMirror(std::unique_ptr<SqlDb> db, std::shared_ptr<const Keyring> keyring)
    : db_(std::move(db)), keyring_(std::move(keyring)) {}
RegistryMirror::~RegistryMirror() = default;

std::unique_ptr<RegistryMirror> RegistryMirror::open(const StoreOptions& options) {
  if (!options.keyring) throw KeyError("the registry mirror needs a key (store.key or REGHUB_STORE_KEY)");
  return std::unique_ptr<RegistryMirror>(new RegistryMirror(openStoreDatabase(options), options.keyring));
}

delivery::RegistryRecord RegistryMirror::fromRow(const SqlRow& row) const {
  delivery::RegistryRecord r;
  r.registry = toStr(row[0]);
  r.recordId = toStr(row[1]);
  r.kommune = toStr(row[2]);
  r.kind = toStr(row[3]);
  r.parentId = toStr(row[4]);
  r.groupId = toStr(row[5]);
  r.sourceKey = toStr(row[6]);
  r.version = static_cast<int>(toInt(row[7]));
  r.citizenMasked = toStr(row[8]);
  readSealed(keyring_->open(toStr(row[9]), toStr(row[10]), context(r.registry, r.recordId)), r);
  r.firstSeen = toInt(row[11]);
  r.lastSeen = toInt(row[12]);
  return r;
}

delivery::SyncCounts RegistryMirror::replace(const std::string& registry, const std::string& kommune,
                                             const std::vector<delivery::RegistryRecord>& records, int64_t now,
                                             std::set<std::string>* touched) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(*db_);
  delivery::SyncCounts c;
  std::map<std::string, std::pair<int, std::string>> held;  // id → version (-1: gone), sealed text (opened)
  std::set<std::string> retired;                            // ids sealed under a key that is not the current one
  std::map<std::string, std::string> citizenOf;               // id → cpr hash
  for (const SqlRow& row : db_->query("SELECT record_id, version, key_id, sealed, gone_at, cpr_hash FROM "
                                      "registry_records WHERE registry = $1 AND kommune = $2",
                                      {registry, kommune})) {
    held[toStr(row[0])] = {row[4] ? -1 : static_cast<int>(toInt(row[1])),
                           keyring_->open(toStr(row[2]), toStr(row[3]), context(registry, toStr(row[0])))};
    if (toStr(row[2]) != keyring_->currentKeyId()) retired.insert(toStr(row[0]));
    citizenOf[toStr(row[0])] = toStr(row[5]);
  }
  const auto touch = [&](const std::string& hash) {
    if (touched && !hash.empty()) touched->insert(hash);
  };
  std::set<std::string> seen;
  for (const delivery::RegistryRecord& r : records) {
    if (!seen.insert(r.recordId).second) continue;  // the registry named it twice: once is enough
    ++c.seen;
    if (r.sourceKey.empty()) ++c.foreign;
    const std::string text = sealedText(r);
    const auto h = held.find(r.recordId);
    // Unchanged (and sealed under the current key: a sync re-seals what a rotation left behind).
    if (h != held.end() && h->second.first == r.version && h->second.second == text && !retired.count(r.recordId)) {
      db_->query("UPDATE registry_records SET last_seen = $1 WHERE registry = $2 AND record_id = $3",
                 {now, registry, r.recordId});
      continue;
    }
    h == held.end() ? ++c.added : ++c.changed;
    if (!r.citizenCpr.empty()) touch(keyring_->lookupHash(r.citizenCpr));
    const std::string sealed = keyring_->seal(text, context(registry, r.recordId));
    const std::vector<SqlParam> p{registry,        r.recordId,        kommune,
                                  r.kind,          nullable(r.parentId), nullable(r.groupId),
                                  nullable(r.sourceKey), int64_t{r.version}, nullable(r.citizenCpr.empty() ? std::string() : keyring_->lookupHash(r.citizenCpr)),
                                  nullable(r.citizenMasked), keyring_->currentKeyId(), sealed,
                                  now};
    if (h == held.end()) {
      // Held under another kommune (a moved sag): it lives here now.
      db_->query("DELETE FROM registry_records WHERE registry = $1 AND record_id = $2", {registry, r.recordId});
      db_->query("INSERT INTO registry_records (registry, record_id, kommune, kind, parent_id, group_id, source_key, "
                 "version, cpr_hash, citizen_masked, key_id, sealed, first_seen, last_seen) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
                 p);
    } else {
      db_->query("UPDATE registry_records SET kommune = $3, kind = $4, parent_id = $5, group_id = $6, source_key = $7, "
                 "version = $8, cpr_hash = $9, citizen_masked = $10, key_id = $11, sealed = $12, last_seen = $13, "
                 "gone_at = NULL WHERE registry = $1 AND record_id = $2",
                 p);
    }
  }
  for (const auto& [id, v] : held)
    if (!seen.count(id) && v.first != -1) {
      ++c.gone;
      touch(citizenOf[id]);
      db_->query("UPDATE registry_records SET gone_at = $1 WHERE registry = $2 AND record_id = $3", {now, registry, id});
    }
  db_->query("DELETE FROM registry_syncs WHERE registry = $1 AND kommune = $2", {registry, kommune});
  db_->query("INSERT INTO registry_syncs (registry, kommune, at, seen, added, changed, gone, foreign_records) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             {registry, kommune, now, int64_t(c.seen), int64_t(c.added), int64_t(c.changed), int64_t(c.gone),
              int64_t(c.foreign)});
  tx.commit();
  return c;
}

std::vector<delivery::RegistryRecord> RegistryMirror::forCitizen(const std::string& registry, const std::string& cpr) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<delivery::RegistryRecord> out;
  for (const SqlRow& row : db_->query(std::string("SELECT ") + kColumns +
                                          " FROM registry_records WHERE registry = $1 AND cpr_hash = $2 AND gone_at "
                                          "IS NULL ORDER BY first_seen, record_id",
                                      {registry, keyring_->lookupHash(cpr)}))
    out.push_back(fromRow(row));
  return out;
}

std::optional<std::string> RegistryMirror::idForSource(const std::string& sourceKey) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto rows = db_->query(
      "SELECT record_id FROM registry_records WHERE source_key = $1 AND gone_at IS NULL ORDER BY last_seen DESC LIMIT 1",
      {sourceKey});
  if (rows.empty()) return std::nullopt;
  return rows.front()[0];
}

std::vector<delivery::RegistryRecord> RegistryMirror::records(const std::string& registry, const std::string& kommune,
                                                              bool foreignOnly, size_t max) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string sql = std::string("SELECT ") + kColumns + " FROM registry_records WHERE registry = $1 AND gone_at IS NULL";
  std::vector<SqlParam> p{registry};
  if (!kommune.empty()) sql += " AND kommune = $2", p.push_back(kommune);
  if (foreignOnly) sql += " AND source_key IS NULL";
  std::vector<delivery::RegistryRecord> out;
  sql += " ORDER BY kommune, group_id, record_id";
  if (max) sql += " LIMIT " + std::to_string(max);
  for (const SqlRow& row : db_->query(sql, p)) out.push_back(fromRow(row));
  return out;
}

std::vector<SyncSummary> RegistryMirror::syncs(const std::string& registry) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SyncSummary> out;
  for (const SqlRow& row : db_->query(
           "SELECT s.registry, s.kommune, s.at, s.seen, s.added, s.changed, s.gone, s.foreign_records, "
           "(SELECT COUNT(*) FROM registry_records r WHERE r.registry = s.registry AND r.kommune = s.kommune AND "
           "r.gone_at IS NULL), "
           "(SELECT COUNT(*) FROM registry_records r WHERE r.registry = s.registry AND r.kommune = s.kommune AND "
           "r.gone_at IS NULL AND r.source_key IS NULL) "
           "FROM registry_syncs s" + std::string(registry.empty() ? "" : " WHERE s.registry = $1") +
               " ORDER BY s.registry, s.kommune",
           registry.empty() ? std::vector<SqlParam>{} : std::vector<SqlParam>{registry})) {
    SyncSummary s;
    s.registry = toStr(row[0]);
    s.kommune = toStr(row[1]);
    s.at = toInt(row[2]);
    s.counts = {size_t(toInt(row[3])), size_t(toInt(row[4])), size_t(toInt(row[5])), size_t(toInt(row[6])),
                size_t(toInt(row[7]))};
    s.held = toInt(row[8]);
    s.foreign = toInt(row[9]);
    out.push_back(std::move(s));
  }
  return out;
}

void RegistryMirror::replaceList(const std::string& registry, const std::string& name,
                                 const std::vector<std::pair<std::string, std::string>>& entries, int64_t now) {
  std::string text;
  for (const auto& [code, label] : entries) text += escape(code) + "\t" + escape(label) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(*db_);
  db_->query("DELETE FROM registry_lists WHERE registry = $1 AND list_name = $2", {registry, name});
  db_->query("INSERT INTO registry_lists (registry, list_name, fetched_at, entries) VALUES ($1, $2, $3, $4)",
             {registry, name, now, text});
  tx.commit();
}

std::optional<RegistryMirror::List> RegistryMirror::list(const std::string& registry, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto rows = db_->query("SELECT fetched_at, entries FROM registry_lists WHERE registry = $1 AND list_name = $2",
                               {registry, name});
  if (rows.empty()) return std::nullopt;
  List l;
  l.fetchedAt = toInt(rows[0][0]);
  forEachLine(toStr(rows[0][1]), [&](const std::string& line) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) l.entries.emplace_back(unescape(line.substr(0, tab)), unescape(line.substr(tab + 1)));
  });
  return l;
}

bool RegistryMirror::openTask(const delivery::ManualTask& t, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!db_->query("SELECT 1 FROM registry_tasks WHERE task_key = $1", {t.key}).empty()) return false;
  db_->query("INSERT INTO registry_tasks (task_key, registry, kommune, kind, forloeb_key, citizen_masked, reason, steps, "
             "opened_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
             {t.key, t.registry, t.kommune, t.kind, nullable(t.forloebKey), nullable(t.citizenMasked), t.reason,
              stepsText(t.steps), now});
  return true;
}

size_t RegistryMirror::closeDoneTasks(const std::string& registry, int64_t now) {
  std::vector<delivery::ManualTask> open = tasks(registry, false);
  std::lock_guard<std::mutex> lock(mu_);
  size_t closed = 0;
  for (const delivery::ManualTask& t : open) {
    bool present = false;
    for (const delivery::TaskStep& s : t.steps)
      present = present || !db_->query("SELECT 1 FROM registry_records WHERE registry = $1 AND record_id = $2 AND "
                                       "gone_at IS NULL",
                                       {registry, s.recordId})
                                .empty();
    if (present) continue;
    // Not one an operator closed by hand meanwhile: its who and when stay.
    db_->query("UPDATE registry_tasks SET closed_at = $1 WHERE task_key = $2 AND closed_at IS NULL", {now, t.key});
    if (db_->changes() > 0) ++closed;
  }
  return closed;
}

std::vector<delivery::ManualTask> RegistryMirror::tasks(const std::string& registry, bool includeClosed) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<delivery::ManualTask> out;
  // Open tasks come from the partial index; the history (includeClosed) reads them all.
  std::string sql =
      "SELECT task_key, registry, kommune, kind, forloeb_key, citizen_masked, reason, steps, opened_at, closed_at "
      "FROM registry_tasks WHERE ";
  std::vector<SqlParam> p;
  sql += includeClosed ? "1 = 1" : "closed_at IS NULL";
  if (!registry.empty()) sql += " AND registry = $1", p.push_back(registry);
  for (const SqlRow& row : db_->query(sql + " ORDER BY opened_at, task_key", p)) {
    delivery::ManualTask t;
    t.key = toStr(row[0]);
    t.registry = toStr(row[1]);
    t.kommune = toStr(row[2]);
    t.kind = toStr(row[3]);
    t.forloebKey = toStr(row[4]);
    t.citizenMasked = toStr(row[5]);
    t.reason = toStr(row[6]);
    t.steps = readSteps(toStr(row[7]));
    t.openedAt = toInt(row[8]);
    t.closedAt = toInt(row[9]);
    out.push_back(std::move(t));
  }
  return out;
}

size_t RegistryMirror::rekey(std::string& cursor, bool& done, size_t max) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string current = keyring_->currentKeyId();
  const size_t split = cursor.find('\n');
  std::string atRegistry = split == std::string::npos ? cursor : cursor.substr(0, split);
  std::string atId = split == std::string::npos ? std::string() : cursor.substr(split + 1);
  size_t resealed = 0, seen = 0;
  Transaction tx(*db_);
  for (const SqlRow& row : db_->query("SELECT registry, record_id, key_id, sealed FROM registry_records "
                                      "WHERE (registry, record_id) > ($1, $2) ORDER BY registry, record_id LIMIT $3",
                                      {atRegistry, atId, static_cast<int64_t>(max)})) {
    ++seen;
    atRegistry = toStr(row[0]);
    atId = toStr(row[1]);
    if (toStr(row[2]) == current) continue;
    const std::string ctx = context(atRegistry, atId);
    const std::string plain = keyring_->open(toStr(row[2]), toStr(row[3]), ctx);
    // A sync that replaced it meanwhile sealed it with the current key already.
    db_->query("UPDATE registry_records SET key_id = $3, sealed = $4 WHERE registry = $1 AND record_id = $2 "
               "AND sealed = $5",
               {atRegistry, atId, current, keyring_->seal(plain, ctx), toStr(row[3])});
    ++resealed;
  }
  tx.commit();
  cursor = atRegistry + "\n" + atId;
  done = seen < max;
  return resealed;
}

size_t RegistryMirror::pruneGone(const std::string& registry, int64_t goneBefore) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool sqlite = db_->dialect() == Dialect::kSqlite;
  // The deleted bytes are zeroed in their pages, not left in free space.
  if (sqlite) db_->script("PRAGMA secure_delete = ON");
  db_->query("DELETE FROM registry_records WHERE registry = $1 AND gone_at IS NOT NULL AND gone_at < $2",
             {registry, goneBefore});
  const auto n = static_cast<size_t>(db_->changes());
  if (n > 0) db_->script(sqlite ? "PRAGMA wal_checkpoint(TRUNCATE)" : "VACUUM registry_records");
  return n;
}

}  // namespace reghub::store
