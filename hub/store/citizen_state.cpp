#include "hub/store/citizen_state.h"

#include "hub/state/version_order.h"
#include "hub/util/hash.h"

namespace reghub::store {

namespace {

using state::ResourceRecord;

int64_t toInt(const std::optional<std::string>& v) { return v && !v->empty() ? std::stoll(*v) : 0; }
std::string toStr(const std::optional<std::string>& v) { return v ? *v : std::string(); }

constexpr const char* kOrganizations = "org";  // citizen value of shared Organizations
constexpr const char* kSealContext = "citizen-resource";

// A stored record, or StoreError when the row is damaged.
ResourceRecord parseStoredRecord(const std::string& json) {
  if (auto r = state::recordFromJson(json)) return std::move(*r);
  throw StoreError("a stored citizen resource is damaged (not JSON)");
}

}  // namespace

CitizenState::CitizenState(std::unique_ptr<SqlDb> db, std::shared_ptr<const Keyring> keyring)
    : db_(std::move(db)), keyring_(std::move(keyring)) {}
CitizenState::~CitizenState() = default;

std::unique_ptr<CitizenState> CitizenState::open(const StoreOptions& options) {
  if (!options.keyring) throw KeyError("the citizen state needs a key (store.key or REGHUB_STORE_KEY)");
  return std::unique_ptr<CitizenState>(new CitizenState(openStoreDatabase(options), options.keyring));
}

std::string CitizenState::hash(const std::string& what) const { return keyring_->lookupHash(what); }

std::string CitizenState::citizenOfPatient(const std::string& patientHash) {
  const auto rows = db_->query("SELECT citizen FROM citizen_patients WHERE patient = $1", {patientHash});
  return rows.empty() ? std::string() : toStr(rows[0][0]);
}

std::string CitizenState::citizenOfResource(const std::string& resHash) {
  const auto rows = db_->query("SELECT citizen FROM citizen_resources WHERE res = $1", {resHash});
  return rows.empty() ? std::string() : toStr(rows[0][0]);
}

MergeResult CitizenState::merge(const std::vector<ResourceRecord>& batch, int64_t now, const diag::Reporter& to,
                                const MergeProgress* progress) {
  MergeResult result;
  diag::Collector notices;
  const diag::Reporter noted(notices);
  const diag::Reporter& out = progress ? noted : to;
  Transaction tx(*db_);
  lockKeys(batch);
  MergeMemo memo;
  // Nothing parked (the usual first load, or a store that has caught up):
  // no resource of this batch can have a parked one to take along, until
  // the batch parks one itself.
  memo.parkedBefore = !db_->query("SELECT 1 FROM citizen_resources WHERE citizen IS NULL LIMIT 1").empty();
  for (const ResourceRecord& r : batch) {
    if (r.type == "Organization") {
      storeResource(r, kOrganizations, now, out, result);
      continue;
    }
    if (r.type == "Patient") {
      const std::string citizen = hash(r.cpr.empty() ? "patient\n" + r.key : r.cpr);
      const std::string patientHash = hash(r.key);
      const size_t older = result.olderIgnored;
      storeResource(r, citizen, now, out, result);
      if (result.olderIgnored != older) continue;  // an old version re-points nothing
      db_->exec(
          "INSERT INTO citizen_patients (patient, citizen) VALUES ($1, $2) "
          "ON CONFLICT (patient) DO UPDATE SET citizen = excluded.citizen",
          {patientHash, citizen});
      memo.patients[patientHash] = citizen;
      if (memo.anyParked(result)) joinParked(citizen, patientHash, now, result);
      continue;
    }
    std::string citizen = r.patientKey.empty() ? (r.parentKeys.empty() ? std::string()
                                                                       : citizenOfResource(hash(r.firstParent())))
                                               : citizenOfPatient(hash(r.patientKey), memo);
    storeResource(r, citizen, now, out, result);
    // A forløb that joins brings the resources that name no Patient and waited for it.
    if (!citizen.empty() && memo.anyParked(result)) {
      db_->query("UPDATE citizen_resources SET citizen = $1, updated_at = $3 WHERE citizen IS NULL AND patient = '' "
                 "AND parent = $2",
                 {citizen, hash(r.key), now});
      result.joined += static_cast<size_t>(db_->changes());
    }
  }
  for (const std::string& c : result.touched)
    db_->exec(
        "INSERT INTO citizens (citizen, version, dirty, updated_at) VALUES ($1, 1, 1, $2) "
        "ON CONFLICT (citizen) DO UPDATE SET version = citizens.version + 1, dirty = 1, updated_at = $2",
        {c, now});
  if (progress) recordMergeBatch(*progress, notices.diagnostics());
  tx.commit();
  return result;
}

std::string CitizenState::citizenOfPatient(const std::string& patientHash, MergeMemo& memo) {
  if (const auto it = memo.patients.find(patientHash); it != memo.patients.end()) return it->second;
  return memo.patients[patientHash] = citizenOfPatient(patientHash);
}

// Once per batch and ingest (PostgreSQL: a second merge of the same batch
// waited for the first's key locks, so it sees the first's row).
void CitizenState::recordMergeBatch(const MergeProgress& progress, const std::vector<diag::Diagnostic>& notices) {
  if (!db_->query("SELECT 1 FROM ingest_progress WHERE ingest_id = $1 AND merge_batch = $2",
                  {progress.ingestId, progress.batch})
           .empty())
    return;
  std::string lines;
  for (const auto& d : notices) lines += diag::toJsonLine(d) + "\n";
  db_->query(
      "INSERT INTO ingest_progress (ingest_id, citizens, messages, key_id, sealed, merge_batch) VALUES ($1, 0, 0, $2, "
      "$3, $4)",
      {progress.ingestId, keyring_->currentKeyId(), keyring_->seal(lines, ingestProgressContext(progress.ingestId)),
       progress.batch});
}

// PostgreSQL: two intakes merging the same resource at once must neither
// both insert it nor let the older version win, so each merge takes a
// transaction lock per resource key — all of them first, in one order, so
// two merges never wait for each other in a circle. (SQLite: BEGIN
// IMMEDIATE already serialises writers.)
void CitizenState::lockKeys(const std::vector<ResourceRecord>& batch) {
  if (db_->dialect() != Dialect::kPostgres) return;
  // A resource's Patient and parent are locked too (the same key space: a
  // Patient's own key is the one its resources name), so a merge bringing a
  // Patient and one bringing a resource that names it run one after the
  // other: either the resource finds the Patient's citizen, or the Patient's
  // merge sees the resource parked and takes it along.
  std::set<int64_t> locks;
  const auto lock = [&](const std::string& key) {
    if (key.empty()) return;
    locks.insert(static_cast<int64_t>(std::stoull(hash(key).substr(0, 15), nullptr, 16)));
  };
  for (const ResourceRecord& r : batch) {
    lock(r.key);
    lock(r.patientKey);
    if (!r.parentKeys.empty()) lock(r.firstParent());
  }
  // Sent together (exec): taken in this order before the next statement runs.
  for (const int64_t k : locks) db_->exec("SELECT pg_advisory_xact_lock($1)", {k});
}

void CitizenState::storeResource(const ResourceRecord& r, const std::string& citizen, int64_t now,
                                 const diag::Reporter& out, MergeResult& result) {
  const std::string res = hash(r.key);
  const std::string bodyHash = hash("body\n" + r.json);
  const auto here = [&] { return out.withFile(r.file, r.line).withPath(r.path); };
  const auto existing = db_->query(
      "SELECT last_updated, version, body_hash, citizen FROM citizen_resources WHERE res = $1", {res});
  SqlParam citizenParam;  // (assigned, not initialised by ?:, which GCC 12 misreads as uninitialised)
  if (!citizen.empty()) citizenParam = citizen;
  const std::string sealed = keyring_->seal(state::toJson(r), std::string(kSealContext) + "\n" + res);
  SqlParam version;
  if (r.versionId) version = *r.versionId;
  if (!existing.empty()) {
    const auto& row = existing[0];
    state::ResourceVersion held{model::DateTime::parse(toStr(row[0])), std::nullopt};
    if (row[1]) held.versionId = toInt(row[1]);
    if (state::arrivesOlder({model::DateTime::parse(r.lastUpdated), r.versionId}, held)) {
      here().info("HUB-INGEST-13", "",
                  r.key + " is older (meta.lastUpdated/versionId) than the version the hub holds; ignored");
      ++result.olderIgnored;
      return;
    }
    const bool sameCitizen = toStr(row[3]) == citizen || (!row[3] && citizen.empty());
    if (toStr(row[2]) == bodyHash && sameCitizen) {
      ++result.unchanged;  // a re-send: nothing to do
      return;
    }
    db_->exec(
        "UPDATE citizen_resources SET citizen = $2, patient = $3, parent = $4, last_updated = $5, version = $6, "
        "body_hash = $7, waiting_for = $8, updated_at = $9, key_id = $10, sealed = $11 WHERE res = $1",
        {res, citizenParam, r.patientKey.empty() ? std::string() : hash(r.patientKey),
         r.parentKeys.empty() ? std::string() : hash(r.firstParent()), r.lastUpdated, version, bodyHash,
         maskDigitRuns(r.patientKey.empty() ? r.firstParent() : r.patientKey), now, keyring_->currentKeyId(),
         sealed});
    if (toStr(row[2]) != bodyHash) {
      here().info("HUB-INGEST-13", "", r.key + " replaces the version the hub holds");
      ++result.replaced;
    }
    if (!toStr(row[3]).empty() && toStr(row[3]) != kOrganizations && !sameCitizen) result.touched.insert(toStr(row[3]));
  } else {
    db_->exec(
        "INSERT INTO citizen_resources (res, citizen, patient, parent, last_updated, version, body_hash, "
        "waiting_for, received_at, updated_at, key_id, sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, "
        "$11)",
        {res, citizenParam, r.patientKey.empty() ? std::string() : hash(r.patientKey),
         r.parentKeys.empty() ? std::string() : hash(r.firstParent()), r.lastUpdated, version, bodyHash,
         maskDigitRuns(r.patientKey.empty() ? r.firstParent() : r.patientKey), now, keyring_->currentKeyId(),
         sealed});
    ++result.added;
  }
  if (citizen.empty()) {
    ++result.parked;
    here().info("HUB-STATE-01", "",
                r.key + " waits for " +
                    (r.patientKey.empty() ? "its forløb '" + maskDigitRuns(r.firstParent()) + "'"
                                          : "Patient '" + maskDigitRuns(r.patientKey) + "'") +
                    ", which the hub has not received yet; it joins its citizen when that arrives");
  } else if (citizen != kOrganizations) {
    result.touched.insert(citizen);
  }
}

void CitizenState::joinParked(const std::string& citizen, const std::string& patientHash, int64_t now,
                              MergeResult& result) {
  db_->query("UPDATE citizen_resources SET citizen = $1, updated_at = $3 WHERE citizen IS NULL AND patient = $2",
             {citizen, patientHash, now});
  const auto n = db_->changes();
  if (n == 0) return;
  result.joined += static_cast<size_t>(n);
  result.touched.insert(citizen);  // even when the Patient itself was unchanged
  // And what names no Patient but hangs on a forløb that just joined.
  db_->query(
      "UPDATE citizen_resources SET citizen = $1, updated_at = $2 WHERE citizen IS NULL AND patient = '' AND parent IN "
      "(SELECT res FROM citizen_resources WHERE citizen = $1)",
      {citizen, now});
  result.joined += static_cast<size_t>(db_->changes());
}

size_t CitizenState::markDirty(const std::set<std::string>& citizens, int64_t now) {
  size_t marked = 0;
  Transaction tx(*db_);
  for (const std::string& c : citizens) {
    db_->query("UPDATE citizens SET dirty = 1, updated_at = $2 WHERE citizen = $1", {c, now});
    marked += static_cast<size_t>(db_->changes());
  }
  tx.commit();
  return marked;
}

size_t CitizenState::rekey(std::string& cursor, bool& done, size_t max) {
  const std::string current = keyring_->currentKeyId();
  size_t resealed = 0, seen = 0;
  Transaction tx(*db_);
  for (const auto& row : db_->query(
           "SELECT res, key_id, sealed FROM citizen_resources WHERE res > $1 ORDER BY res LIMIT $2",
           {cursor, static_cast<int64_t>(max)})) {
    ++seen;
    cursor = toStr(row[0]);
    if (toStr(row[1]) == current) continue;
    const std::string context = std::string(kSealContext) + "\n" + cursor;
    const std::string plain = keyring_->open(toStr(row[1]), toStr(row[2]), context);
    // A merge that replaced it meanwhile sealed it with the current key already.
    db_->query("UPDATE citizen_resources SET key_id = $2, sealed = $3 WHERE res = $1 AND sealed = $4",
               {cursor, current, keyring_->seal(plain, context), toStr(row[2])});
    ++resealed;
  }
  tx.commit();
  done = seen < max;
  return resealed;
}

std::vector<std::string> CitizenState::dirtyCitizens(size_t max) {
  std::vector<std::string> out;
  for (const auto& row :
       db_->query("SELECT citizen FROM citizens WHERE dirty = 1 ORDER BY updated_at LIMIT $1", {static_cast<int64_t>(max)}))
    out.push_back(toStr(row[0]));
  return out;
}

std::optional<CitizenRecords> CitizenState::beginRender(const std::string& citizen, const std::string& owner,
                                                        int64_t now, int64_t leaseMillis) {
  Transaction tx(*db_);
  auto out = beginRenderLocked(citizen, owner, now, leaseMillis);
  tx.commit();
  return out;
}

std::vector<std::optional<CitizenRecords>> CitizenState::beginRenders(const std::vector<std::string>& citizens,
                                                                      const std::string& owner, int64_t now,
                                                                      int64_t leaseMillis) {
  std::vector<std::optional<CitizenRecords>> out;
  out.reserve(citizens.size());
  Transaction tx(*db_);
  for (const std::string& c : citizens) out.push_back(beginRenderLocked(c, owner, now, leaseMillis));
  tx.commit();
  return out;
}

std::vector<std::string> CitizenState::endRenders(const std::vector<CitizenRecords>& held, const std::string& owner,
                                                  const RenderProgress* progress) {
  std::vector<std::string> dirty;
  Transaction tx(*db_);
  bool releasedAny = false;
  for (const CitizenRecords& h : held) {
    bool released = false;
    if (endRenderLocked(h.citizen, owner, h.version, h.readAt, &released)) dirty.push_back(h.citizen);
    releasedAny = releasedAny || released;
  }
  // The dirty marks clear with it: the group is recorded once, whether or
  // not the attempt lives on (a retry renders only what is still dirty).
  // A group whose leases another attempt of the same ingest took over and
  // ended first is that attempt's to record, not this one's as well.
  if (progress && (releasedAny || held.empty())) {
    std::string lines;
    for (const auto& d : progress->diagnostics) lines += diag::toJsonLine(d) + "\n";
    db_->query(
        "INSERT INTO ingest_progress (ingest_id, citizens, messages, key_id, sealed) VALUES ($1, $2, $3, $4, $5)",
        {progress->ingestId, progress->citizens, progress->messages, keyring_->currentKeyId(),
         keyring_->seal(lines, ingestProgressContext(progress->ingestId))});
  }
  tx.commit();
  return dirty;
}

std::optional<CitizenRecords> CitizenState::beginRenderLocked(const std::string& citizen, const std::string& owner,
                                                              int64_t now, int64_t leaseMillis) {
  db_->query(
      "UPDATE citizens SET render_owner = $2, render_until = $3 WHERE citizen = $1 AND (render_owner IS NULL OR "
      "render_owner = $2 OR render_until < $4)",
      {citizen, owner, now + leaseMillis, now});
  if (db_->changes() == 0) return std::nullopt;
  CitizenRecords out;
  out.citizen = citizen;
  out.readAt = now;
  const auto head = db_->query("SELECT version, rendered_at FROM citizens WHERE citizen = $1", {citizen}).at(0);
  out.version = toInt(head.at(0));
  readCitizen(citizen, toInt(head.at(1)), out.records, &out.fresh);
  return out;
}

ResourceRecord CitizenState::openRow(const SqlRow& row) {
  return parseStoredRecord(
      keyring_->open(toStr(row.at(1)), toStr(row.at(2)), std::string(kSealContext) + "\n" + toStr(row.at(0))));
}

void CitizenState::readCitizen(const std::string& citizen, int64_t freshSince, std::vector<ResourceRecord>& out,
                               std::set<std::string>* fresh) {
  std::set<std::string> orgs;
  for (const auto& row :
       db_->query("SELECT res, key_id, sealed, updated_at FROM citizen_resources WHERE citizen = $1", {citizen})) {
    out.push_back(openRow(row));
    const auto& r = out.back();
    if (fresh && toInt(row[3]) >= freshSince) fresh->insert(r.key);
    if (!r.orgKey.empty()) orgs.insert(hash(r.orgKey));
    for (const std::string& o : r.otherOrgKeys) orgs.insert(hash(o));
  }
  for (const std::string& org : orgs)
    for (const auto& row : db_->query("SELECT res, key_id, sealed FROM citizen_resources WHERE res = $1 AND citizen = $2",
                                      {org, std::string(kOrganizations)}))
      out.push_back(openRow(row));
}

HeldContext CitizenState::heldContext(const std::vector<ResourceRecord>& batch) {
  HeldContext out;
  std::set<std::string> inBatch, citizens;
  for (const ResourceRecord& r : batch) inBatch.insert(r.key);
  for (const ResourceRecord& r : batch) {
    if (r.type == "Organization") {
      for (const auto& row : db_->query("SELECT res, key_id, sealed FROM citizen_resources WHERE res = $1 AND citizen = $2",
                                        {hash(r.key), std::string(kOrganizations)}))
        out.records.push_back(openRow(row));
      continue;
    }
    if (r.type == "Patient") {
      citizens.insert(hash(r.cpr.empty() ? "patient\n" + r.key : r.cpr));
      if (std::string c = citizenOfPatient(hash(r.key)); !c.empty()) citizens.insert(std::move(c));
      // Parked resources that this Patient would let join.
      for (const auto& row : db_->query(
               "SELECT res, key_id, sealed FROM citizen_resources WHERE citizen IS NULL AND patient = $1", {hash(r.key)}))
        out.records.push_back(openRow(row));
      continue;
    }
    const std::string c = !r.patientKey.empty()    ? citizenOfPatient(hash(r.patientKey))
                          : !r.parentKeys.empty() ? citizenOfResource(hash(r.firstParent()))
                                                  : std::string();
    if (!c.empty()) {
      citizens.insert(c);
    } else if (!r.patientKey.empty() ? !inBatch.count(r.patientKey)
                                     : !r.parentKeys.empty() && !inBatch.count(r.firstParent())) {
      out.unresolved.push_back(r.key);
    }
  }
  // (A citizen that does not exist yet reads no rows.)
  for (const std::string& c : citizens) readCitizen(c, 0, out.records, nullptr);
  return out;
}

bool CitizenState::endRender(const std::string& citizen, const std::string& owner, int64_t version, int64_t readAt) {
  Transaction tx(*db_);
  const bool dirty = endRenderLocked(citizen, owner, version, readAt);
  tx.commit();
  return dirty;
}

bool CitizenState::endRenderLocked(const std::string& citizen, const std::string& owner, int64_t version,
                                   int64_t readAt, bool* released) {
  // What changed after readAt is fresh for the next render.
  db_->query(
      "UPDATE citizens SET dirty = CASE WHEN version = $3 THEN 0 ELSE 1 END, render_owner = NULL, render_until = "
      "NULL, rendered_at = $4 WHERE citizen = $1 AND render_owner = $2",
      {citizen, owner, version, readAt + 1});
  if (released) *released = db_->changes() > 0;
  const auto rows = db_->query("SELECT dirty FROM citizens WHERE citizen = $1", {citizen});
  return !rows.empty() && toInt(rows[0][0]) == 1;
}

std::vector<ParkedResource> CitizenState::parked(int64_t now, int64_t expireAfterMillis, size_t max) {
  std::vector<ParkedResource> out;
  for (const auto& row : db_->query(
           "SELECT res, key_id, sealed, waiting_for, received_at FROM citizen_resources WHERE citizen IS NULL "
           "ORDER BY received_at LIMIT $1",
           {static_cast<int64_t>(max)})) {
    const ResourceRecord r =
        parseStoredRecord(keyring_->open(toStr(row[1]), toStr(row[2]), std::string(kSealContext) + "\n" + toStr(row[0])));
    ParkedResource p;
    p.type = r.type;
    p.waitingFor = toStr(row[3]);
    p.file = maskDigitRuns(r.file);
    p.since = toInt(row[4]);
    p.expired = now - p.since > expireAfterMillis;
    out.push_back(std::move(p));
  }
  return out;
}

int64_t CitizenState::parkedCount() {
  return toInt(db_->query("SELECT COUNT(*) FROM citizen_resources WHERE citizen IS NULL").at(0).at(0));
}

StatePruneResult CitizenState::prune(int64_t unchangedBefore, int64_t now, size_t batch) {
  StatePruneResult out;
  const bool sqlite = db_->dialect() == Dialect::kSqlite;
  // Deleted bytes are zeroed in their pages, not left in free space.
  if (sqlite) db_->script("PRAGMA secure_delete = ON");
  for (;;) {
    Transaction tx(*db_);
    const auto rows = db_->query(
        "SELECT c.citizen FROM citizens c WHERE c.updated_at < $1 AND c.dirty = 0 AND c.citizen <> $2 "
        "AND (c.render_until IS NULL OR c.render_until < $3) AND NOT EXISTS (SELECT 1 FROM messages m "
        "WHERE m.cpr_hash = c.citizen AND m.state NOT IN ('accepted', 'superseded')) LIMIT $4",
        {unchangedBefore, std::string(kOrganizations), now, static_cast<int64_t>(batch)});
    for (const SqlRow& row : rows) {
      const std::string citizen = toStr(row[0]);
      // A merge touching one of its resources waits (PostgreSQL: the merge's
      // own locks), and one that came since the select keeps it: the row
      // goes only while it is still unchanged and clean.
      if (db_->dialect() == Dialect::kPostgres)
        for (const SqlRow& r : db_->query("SELECT res FROM citizen_resources WHERE citizen = $1", {citizen}))
          db_->query("SELECT pg_advisory_xact_lock($1)",
                     {static_cast<int64_t>(std::stoull(toStr(r[0]).substr(0, 15), nullptr, 16))});
      db_->query("DELETE FROM citizens WHERE citizen = $1 AND dirty = 0 AND updated_at < $2",
                 {citizen, unchangedBefore});
      if (db_->changes() == 0) continue;
      // By the patients its resources name (the table's key), not by a scan for the citizen.
      db_->query("DELETE FROM citizen_patients WHERE patient IN (SELECT res FROM citizen_resources WHERE citizen = $1 "
                 "UNION SELECT patient FROM citizen_resources WHERE citizen = $1) AND citizen = $1",
                 {citizen});
      db_->query("DELETE FROM citizen_resources WHERE citizen = $1", {citizen});
      out.resources += static_cast<size_t>(db_->changes());
      ++out.citizens;
    }
    tx.commit();
    if (rows.size() < batch) break;
  }
  db_->query("DELETE FROM citizen_resources WHERE citizen IS NULL AND received_at < $1", {unchangedBefore});
  out.parked = static_cast<size_t>(db_->changes());
  if (out.citizens + out.parked > 0) db_->script(sqlite ? "PRAGMA wal_checkpoint(TRUNCATE)" : "VACUUM citizen_resources");
  return out;
}

}  // namespace reghub::store
