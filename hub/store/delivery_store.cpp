#include "hub/store/delivery_store.h"

#include "hub/util/strings.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <tuple>
#include <cctype>

#include "hub/model/cpr.h"
#include "hub/model/date.h"
#include "hub/store/detail_rule.h"
#include "hub/store/schema.h"
#include "hub/store/statement_log.h"

namespace reghub::store {

namespace {

using delivery::OutboundMessage;

int64_t toInt(const std::optional<std::string>& v) { return v && !v->empty() ? std::stoll(*v) : 0; }
std::string toStr(const std::optional<std::string>& v) { return v ? *v : std::string(); }
SqlParam nullable(const std::string& s) { return s.empty() ? SqlParam{} : SqlParam{s}; }
SqlParam stateParam(MessageState s) { return std::string(toString(s)); }

MessageState toState(const std::optional<std::string>& v) {
  const auto s = parseMessageState(toStr(v));
  if (!s) throw StoreError("store holds an unknown message state '" + toStr(v) + "'");
  return *s;
}

// The authenticated context of a sealed message: the row's identity.
std::string messageContext(const std::string& registry, const std::string& key, const std::string& hash) {
  return "msg\n" + registry + "\n" + key + "\n" + hash;
}

// What is sealed: CPR and the wire form (bodies carry names and CPR).
std::string sealedJson(const OutboundMessage& m) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&w](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("cpr"), str(m.citizenCpr);
  w.Key("method"), str(m.method);
  w.Key("target"), str(m.target);
  w.Key("contentType"), str(m.contentType);
  w.Key("headers"), w.StartObject();
  for (const auto& [k, v] : m.headers) w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size())), str(v);
  w.EndObject();
  w.Key("body"), str(m.body);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

void unsealJson(const std::string& json, OutboundMessage& m) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) throw StoreError("sealed message is not valid JSON (damaged row)");
  auto get = [&d](const char* k) {
    const auto it = d.FindMember(k);
    return it != d.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                       : std::string();
  };
  m.citizenCpr = get("cpr");
  m.method = get("method");
  m.target = get("target");
  m.contentType = get("contentType");
  m.body = get("body");
  if (const auto h = d.FindMember("headers"); h != d.MemberEnd() && h->value.IsObject())
    for (const auto& kv : h->value.GetObject())
      if (kv.value.IsString()) m.headers[kv.name.GetString()] = kv.value.GetString();
}

std::string diagnosticJson(const diag::Diagnostic& d) { return diag::toJsonLine(d); }

diag::Diagnostic parseDiagnostic(const std::string& json) {
  diag::Diagnostic out;
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) return out;
  auto get = [&d](const char* k) {
    const auto it = d.FindMember(k);
    return it != d.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
  };
  out.registry = get("registry");
  const std::string sev = get("severity");
  out.severity = sev == "error" ? diag::Severity::kError : sev == "warning" ? diag::Severity::kWarning : diag::Severity::kInfo;
  out.rule = get("rule");
  out.field = get("field");
  out.file = get("file");
  if (const auto it = d.FindMember("line"); it != d.MemberEnd() && it->value.IsInt()) out.line = it->value.GetInt();
  out.path = get("path");
  out.forloeb = get("forloeb");
  out.citizen = get("citizen");
  out.message = get("message");
  return out;
}

// Marks message $1 blocked when one of its predecessors has no accepted message.
constexpr const char* kBlockUnlessReady =
    "UPDATE messages SET blocked = 1 WHERE id = $1 AND EXISTS (SELECT 1 FROM message_deps d WHERE d.message_id = $1 "
    "AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.registry = messages.registry AND a.idem_key = d.depends_on "
    "AND a.state = 'accepted'))";

// PostgreSQL: the lock enqueue takes for a key, and accepting a message for
// it too — so a dependent queued while its predecessor is being accepted is
// either seen blocked by the acceptance or sees the acceptance.
std::string keyLock(const std::string& registry, const std::string& key) { return registry + "\n" + key; }

constexpr const char* kLatestForKey =
    "SELECT id, content_hash, state, ingest_id FROM messages WHERE registry = $1 AND idem_key = $2 ORDER BY id DESC "
    "LIMIT 1";

}  // namespace

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string maskDigitRuns(std::string text) { return util::maskDigitRuns(std::move(text)); }

std::string ingestProgressContext(const std::string& ingestId) { return "progress\n" + ingestId; }

DeliveryStore::DeliveryStore(std::unique_ptr<SqlDb> db, std::shared_ptr<const Keyring> keyring)
    : db_(std::move(db)), keyring_(std::move(keyring)), dialect_(db_->dialect()) {}

DeliveryStore::~DeliveryStore() = default;

std::unique_ptr<SqlDb> openStoreDatabase(const StoreOptions& options) {
  auto db = openDatabase(options.url, options.sqlite);
  return options.statementLog ? recordStatements(std::move(db), options.statementLog) : std::move(db);
}

std::unique_ptr<DeliveryStore> DeliveryStore::open(const StoreOptions& options) {
  if (!options.keyring) throw KeyError("the delivery store needs a key (store.key or REGHUB_STORE_KEY)");
  std::unique_ptr<DeliveryStore> store(new DeliveryStore(openStoreDatabase(options), options.keyring));
  store->options_ = options;
  store->migrate();
  store->checkKeys();
  return store;
}

namespace {
constexpr const char* kCanaryText = "reghub store canary";
constexpr const char* kCanaryContext = "store_canary";
}  // namespace

void DeliveryStore::checkKeys() {
  std::lock_guard lock(mutex_);
  const std::string lookup = keyring_->lookupHash(kCanaryText);
  auto rows = db_->query("SELECT key_id, sealed, lookup FROM store_canary WHERE id = 1");
  if (rows.empty()) {
    // Two processes opening a new store at once: one row wins, both check it.
    db_->query("INSERT INTO store_canary (id, key_id, sealed, lookup) VALUES (1, $1, $2, $3) ON CONFLICT DO NOTHING",
               {keyring_->currentKeyId(), keyring_->seal(kCanaryText, kCanaryContext), lookup});
    rows = db_->query("SELECT key_id, sealed, lookup FROM store_canary WHERE id = 1");
  }
  const std::string keyId = toStr(rows.at(0).at(0));
  std::string plain;
  try {
    plain = keyring_->open(keyId, toStr(rows.at(0).at(1)), kCanaryContext);
  } catch (const KeyError&) {
    throw KeyError("the store key cannot open this store's data (written with key id '" + keyId +
                   "'): give that key as store.key / REGHUB_STORE_KEY, or list it in store.retiredKeys");
  }
  if (plain != kCanaryText) throw KeyError("the store's key canary is damaged: its data cannot be trusted");
  if (toStr(rows.at(0).at(2)) != lookup)
    throw KeyError("the store lookup key is not the one this store was written with: set store.lookupKey / "
                   "REGHUB_STORE_LOOKUP_KEY to that key (CPR lookups would find nothing)");
  if (keyId != keyring_->currentKeyId())  // opened with a retired key: the current one will do from now on
    db_->query("UPDATE store_canary SET key_id = $1, sealed = $2 WHERE id = 1",
               {keyring_->currentKeyId(), keyring_->seal(kCanaryText, kCanaryContext)});
}

void DeliveryStore::migrate() {
  std::lock_guard lock(mutex_);
  db_->script(
      "CREATE TABLE IF NOT EXISTS reghub_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
      "applied_at BIGINT NOT NULL)");
  Transaction tx(*db_);
  // Several workers may start at once: one migrates, the others wait.
  if (dialect_ == Dialect::kPostgres) db_->query("SELECT pg_advisory_xact_lock(7301)");
  std::set<int64_t> applied;
  for (const SqlRow& row : db_->query("SELECT version FROM reghub_schema")) applied.insert(toInt(row[0]));
  const int64_t current = applied.empty() ? 0 : *applied.rbegin();
  const auto all = migrations(dialect_);
  if (!all.empty() && current > all.back().version)
    throw StoreError("store schema version " + std::to_string(current) + " is newer than this reghub knows (" +
                     std::to_string(all.back().version) + "); upgrade reghub");
  // Every migration not applied yet, not only those above the newest: a
  // store made by a build whose migrations were numbered apart (two branches
  // developed side by side) gets the ones it skipped.
  for (const Migration& m : all) {
    if (applied.count(m.version)) continue;
    db_->script(m.sql);
    if (m.code) m.code(*db_);
    db_->query("INSERT INTO reghub_schema (version, description, applied_at) VALUES ($1, $2, $3)",
               {int64_t{m.version}, m.description, nowMillis()});
  }
  tx.commit();
}

int DeliveryStore::schemaVersion() {
  std::lock_guard lock(mutex_);
  return static_cast<int>(toInt(db_->query("SELECT COALESCE(MAX(version), 0) FROM reghub_schema").at(0).at(0)));
}

void DeliveryStore::insertTransition(int64_t id, std::optional<MessageState> from, MessageState to, int attempt,
                                     int status, const std::string& registryId, const std::string& detail,
                                     const std::string& actor, int64_t now) {
  if (from && !isAllowedTransition(*from, to))
    throw StoreError("bug: transition " + std::string(toString(*from)) + " → " + std::string(toString(to)) +
                     " is not allowed");
  db_->exec(
      "INSERT INTO transitions (message_id, at, from_state, to_state, attempt, http_status, registry_id, detail, "
      "actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {id, now, from ? stateParam(*from) : SqlParam{}, stateParam(to), int64_t{attempt},
       status ? SqlParam{int64_t{status}} : SqlParam{}, nullable(registryId), nullable(maskDigitRuns(detail)), actor});
}

EnqueueResult DeliveryStore::enqueue(const OutboundMessage& m, const std::string& ingestId, int64_t now,
                                     int64_t notBefore) {
  return enqueueBatch({{m, notBefore}}, ingestId, now).at(0);
}

std::vector<EnqueueResult> DeliveryStore::enqueueBatch(const std::vector<ToEnqueue>& batch, const std::string& ingestId,
                                                       int64_t now) {
  for (const ToEnqueue& e : batch)
    if (e.message.registry.empty() || e.message.idempotencyKey.empty())
      throw StoreError("bug: a rendered message needs a registry and an idempotency key");
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  if (dialect_ == Dialect::kPostgres) {
    // Every key's lock first, in one order: two batches never wait in a circle.
    std::set<std::string> keys;
    for (const ToEnqueue& e : batch) {
      keys.insert(keyLock(e.message.registry, e.message.idempotencyKey));
      for (const std::string& dep : e.message.dependsOn) keys.insert(keyLock(e.message.registry, dep));
    }
    for (const std::string& k : keys) db_->exec("SELECT pg_advisory_xact_lock(hashtext($1))", {k});
  }
  std::vector<EnqueueResult> out;
  out.reserve(batch.size());
  for (const ToEnqueue& e : batch) out.push_back(enqueueLocked(e.message, ingestId, now, e.notBefore));
  tx.commit();
  return out;
}

EnqueueResult DeliveryStore::enqueueLocked(const OutboundMessage& m, const std::string& ingestId, int64_t now,
                                           int64_t notBefore) {
  EnqueueResult result;
  const auto latest = db_->query(kLatestForKey, {m.registry, m.idempotencyKey});
  if (!latest.empty() && toStr(latest[0][1]) == m.contentHash) {
    result.outcome = EnqueueOutcome::kUnchanged;
    result.id = toInt(latest[0][0]);
    result.sameIngest = !ingestId.empty() && toStr(latest[0][3]) == ingestId;
    return result;
  }
  // Older contents for this key still waiting are replaced by this one (a
  // key never seen has none: a first load asks nothing more).
  const auto waiting =
      latest.empty() ? std::vector<SqlRow>{}
                     : db_->query("SELECT id, state, attempts FROM messages WHERE registry = $1 AND idem_key = $2 AND "
                                  "state IN ('pending', 'retry-wait')",
                                  {m.registry, m.idempotencyKey});
  for (const auto& row : waiting) {
    const int64_t id = toInt(row[0]);
    db_->exec("UPDATE messages SET state = 'superseded', blocked = 0, updated_at = $2 WHERE id = $1", {id, now});
    insertTransition(id, toState(row[1]), MessageState::kSuperseded, static_cast<int>(toInt(row[2])), 0, {},
                     "replaced by newer content for the same key", "enqueue", now);
    result.outcome = EnqueueOutcome::kReplacedPending;
  }
  const std::string sealed =
      keyring_->seal(sealedJson(m), messageContext(m.registry, m.idempotencyKey, m.contentHash));
  const auto inserted = db_->query(
      "INSERT INTO messages (registry, kind, idem_key, content_hash, state, attempts, next_at, cpr_hash, "
      "citizen_masked, forloeb_key, kommune, delivery_day, ingest_id, key_id, sealed, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, 'pending', 0, $14, $6, $7, $8, $9, $10, $11, $12, $13, $5, $5) RETURNING id",
      {m.registry, m.kind, m.idempotencyKey, m.contentHash, now,
       m.citizenCpr.empty() ? std::string() : keyring_->lookupHash(m.citizenCpr),
       m.citizenMasked.empty() ? model::maskCpr(m.citizenCpr) : m.citizenMasked, m.forloebKey, m.kommune,
       m.deliveryDay, nullable(ingestId), keyring_->currentKeyId(), sealed, std::max(now, notBefore)});
  result.id = toInt(inserted.at(0).at(0));
  for (const std::string& dep : m.dependsOn)
    db_->exec("INSERT INTO message_deps (message_id, depends_on) VALUES ($1, $2) ON CONFLICT DO NOTHING",
              {result.id, dep});
  if (!m.dependsOn.empty()) db_->exec(kBlockUnlessReady, {result.id});
  insertTransition(result.id, std::nullopt, MessageState::kPending, 0, 0, {}, {},
                   ingestId.empty() ? "enqueue" : "ingest " + ingestId, now);
  return result;
}

std::vector<ClaimedMessage> DeliveryStore::claim(size_t max, const std::string& worker, int64_t now,
                                                 int64_t leaseMillis, const std::string& registry) {
  std::lock_guard lock(mutex_);
  // Only the ready rows, in due order: without statistics SQLite would
  // rather search messages_ready, which holds the blocked ones too. A
  // registry's own worker seeks that registry's ready rows: over the shared
  // index it walked past every other registry's due messages on each claim.
  const bool sqlite = dialect_ == Dialect::kSqlite;
  const std::string ready =
      std::string(!sqlite ? "" : registry.empty() ? "INDEXED BY messages_claimable " : "INDEXED BY messages_claimable_registry ") +
      "WHERE m.state IN ('pending', 'retry-wait') AND m.blocked = 0 AND m.next_at <= $1 " +
      (registry.empty() ? "AND $2 = '' " : "AND m.registry = $2 ");
  // SQLite, nothing due (an idle worker's poll, a registry whose messages
  // wait for another's): a read, not the write lock that every worker of
  // every process queues for. (PostgreSQL's claim locks only the rows it
  // takes; there the look was one more round trip per claim, measured slower.)
  if (sqlite && db_->query("SELECT 1 FROM messages m " + ready + "ORDER BY m.next_at, m.id LIMIT 1", {now, registry}).empty())
    return {};
  Transaction tx(*db_);
  std::string sql =
      "SELECT m.id, m.state, m.attempts, m.registry, m.kind, m.idem_key, m.content_hash, m.citizen_masked, "
      "m.forloeb_key, m.kommune, m.delivery_day, m.key_id, m.sealed FROM messages m " + ready +
      "AND NOT EXISTS (SELECT 1 FROM messages s WHERE s.registry = m.registry AND s.idem_key = m.idem_key "
      "  AND s.state = 'sending') "
      "ORDER BY m.next_at, m.id LIMIT $3";
  if (dialect_ == Dialect::kPostgres) sql += " FOR UPDATE OF m SKIP LOCKED";
  const auto rows = db_->queryPlanned(sql, {now, registry, static_cast<int64_t>(max)});
  std::vector<ClaimedMessage> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    ClaimedMessage c;
    c.id = toInt(row[0]);
    const MessageState from = toState(row[1]);
    c.attempt = static_cast<int>(toInt(row[2])) + 1;
    OutboundMessage& m = c.message;
    m.registry = toStr(row[3]);
    m.kind = toStr(row[4]);
    m.idempotencyKey = toStr(row[5]);
    m.contentHash = toStr(row[6]);
    m.citizenMasked = toStr(row[7]);
    m.forloebKey = toStr(row[8]);
    m.kommune = toStr(row[9]);
    m.deliveryDay = toStr(row[10]);
    unsealJson(keyring_->open(toStr(row[11]), toStr(row[12]), messageContext(m.registry, m.idempotencyKey, m.contentHash)), m);
    // Before this claim's own transition; in its transaction, not one more of the worker's.
    c.sentBefore = c.attempt > 1 || handovers(m.registry, m.idempotencyKey) > 0;
    db_->query(
        "UPDATE messages SET state = 'sending', attempts = $2, lease_owner = $3, lease_until = $4, updated_at = $5 "
        "WHERE id = $1",
        {c.id, int64_t{c.attempt}, worker, now + leaseMillis, now});
    insertTransition(c.id, from, MessageState::kSending, c.attempt, 0, {}, {}, worker, now);
    out.push_back(std::move(c));
  }
  tx.commit();
  return out;
}

bool DeliveryStore::completeLocked(const ClaimedMessage& claimed, const std::string& worker,
                                   const AttemptOutcome& o, int64_t now) {
  if (!isAllowedTransition(MessageState::kSending, o.next))
    throw StoreError("bug: an attempt cannot end in state " + std::string(toString(o.next)));
  const std::string detail = maskDigitRuns(o.detail);
  const auto rule = detailRule(o.next, detail);  // what the detail counters are keyed by (migration 15)
  db_->query(
      "UPDATE messages SET state = $1, next_at = $2, lease_owner = NULL, lease_until = NULL, "
      "registry_id = COALESCE($3, registry_id), last_status = $4, last_detail = $5, last_rule = $9, updated_at = $6 "
      "WHERE id = $7 AND state = 'sending' AND lease_owner = $8",
      {stateParam(o.next), o.nextAt ? o.nextAt : now, nullable(o.registryId),
       o.httpStatus ? SqlParam{int64_t{o.httpStatus}} : SqlParam{}, nullable(detail), now, claimed.id, worker,
       rule ? SqlParam{*rule} : SqlParam{}});
  if (db_->changes() != 1) return false;
  insertTransition(claimed.id, MessageState::kSending, o.next, claimed.attempt, o.httpStatus, o.registryId, detail,
                   worker, now);
  return true;
}

void DeliveryStore::promoteDependents(std::vector<std::pair<std::string, std::string>> accepted) {
  if (accepted.empty()) return;
  std::sort(accepted.begin(), accepted.end());
  std::set<int64_t> dependents;
  for (const auto& [registry, key] : accepted) {
    if (dialect_ == Dialect::kPostgres) db_->query("SELECT pg_advisory_xact_lock(hashtext($1))", {keyLock(registry, key)});
    // From the key's dependents (message_deps_key), each looked up by id: as
    // a join, SQLite read every message of the registry (messages_status)
    // for each accepted message — most of a worker's time at 1,000 citizens.
    for (const auto& row : db_->query(
             "SELECT d.message_id FROM message_deps d WHERE d.depends_on = $1 AND EXISTS (SELECT 1 FROM messages m "
             "WHERE m.id = d.message_id AND m.registry = $2 AND m.blocked = 1)",
             {key, registry}))
      dependents.insert(toInt(row[0]));
  }
  // PostgreSQL: two predecessors of one message accepted at once must not
  // both see the other unaccepted. Each takes the dependent's lock (in id
  // order) before it looks, so the later looks after the earlier committed.
  if (dialect_ == Dialect::kPostgres)
    for (const int64_t id : dependents) db_->query("SELECT pg_advisory_xact_lock(7302, $1)", {id % 2147483647});
  for (const int64_t id : dependents)
    db_->query(
        "UPDATE messages SET blocked = 0 WHERE id = $1 AND blocked = 1 AND NOT EXISTS (SELECT 1 FROM message_deps d "
        "WHERE d.message_id = $1 AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.registry = messages.registry "
        "AND a.idem_key = d.depends_on AND a.state = 'accepted'))",
        {id});
}

bool DeliveryStore::complete(const ClaimedMessage& claimed, const std::string& worker, const AttemptOutcome& o,
                             int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  const bool ok = completeLocked(claimed, worker, o, now);
  if (ok && o.next == MessageState::kAccepted)
    promoteDependents({{claimed.message.registry, claimed.message.idempotencyKey}});
  tx.commit();
  return ok;
}

size_t DeliveryStore::completeBatch(const std::vector<std::pair<ClaimedMessage, AttemptOutcome>>& items,
                                    const std::string& worker, int64_t now, std::vector<bool>* recorded) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  size_t n = 0;
  std::vector<std::pair<std::string, std::string>> accepted;
  if (recorded) recorded->assign(items.size(), false);
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& [claimed, outcome] = items[i];
    if (!completeLocked(claimed, worker, outcome, now)) continue;
    ++n;
    if (recorded) (*recorded)[i] = true;
    if (outcome.next == MessageState::kAccepted)
      accepted.emplace_back(claimed.message.registry, claimed.message.idempotencyKey);
  }
  promoteDependents(std::move(accepted));
  tx.commit();
  return n;
}

size_t DeliveryStore::recoverExpiredLeases(int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  std::string sql = "SELECT id, attempts, lease_owner FROM messages WHERE state = 'sending' AND lease_until < $1";
  if (dialect_ == Dialect::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
  const auto rows = db_->query(sql, {now});
  for (const auto& row : rows) {
    const int64_t id = toInt(row[0]);
    db_->query(
        "UPDATE messages SET state = 'pending', lease_owner = NULL, lease_until = NULL, next_at = $2, "
        "updated_at = $2 WHERE id = $1 AND state = 'sending'",
        {id, now});
    insertTransition(id, MessageState::kSending, MessageState::kPending, static_cast<int>(toInt(row[1])), 0, {},
                     "lease of " + toStr(row[2]) +
                         " expired (worker stopped mid-send); will send again with the same idempotency key",
                     "recovery", now);
  }
  tx.commit();
  return rows.size();
}

size_t DeliveryStore::releaseClaims(const std::string& worker, int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  const auto rows =
      db_->query("SELECT id, attempts FROM messages WHERE state = 'sending' AND lease_owner = $1", {worker});
  for (const auto& row : rows) {
    const int64_t id = toInt(row[0]);
    db_->query(
        "UPDATE messages SET state = 'pending', lease_owner = NULL, lease_until = NULL, updated_at = $2 "
        "WHERE id = $1",
        {id, now});
    insertTransition(id, MessageState::kSending, MessageState::kPending, static_cast<int>(toInt(row[1])), 0, {},
                     "returned to pending at shutdown", worker, now);
  }
  tx.commit();
  return rows.size();
}

size_t DeliveryStore::failBlockedDependents(int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  const auto rows = db_->query(
      "SELECT m.id, m.state, m.attempts, d.depends_on FROM messages m JOIN message_deps d ON d.message_id = m.id "
      "WHERE m.blocked = 1 AND m.state IN ('pending', 'retry-wait') "
      "AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.registry = m.registry AND a.idem_key = d.depends_on "
      "  AND a.state IN ('accepted', 'pending', 'sending', 'retry-wait')) "
      "AND EXISTS (SELECT 1 FROM messages b WHERE b.registry = m.registry AND b.idem_key = d.depends_on "
      "  AND b.state IN ('rejected', 'dead')) ORDER BY m.id");
  size_t n = 0;
  int64_t last = -1;
  for (const auto& row : rows) {
    const int64_t id = toInt(row[0]);
    if (id == last) continue;  // several failed dependencies: one transition
    last = id;
    const std::string why = "depends on " + toStr(row[3]) +
                            ", which ended rejected or dead; fix and replay that message, then replay this one";
    db_->query(
        "UPDATE messages SET state = 'dead', blocked = 0, last_detail = $2, last_rule = $4, updated_at = $3 WHERE id = $1",
        {id, why, now, deadReason(why)});
    insertTransition(id, toState(row[1]), MessageState::kDead, static_cast<int>(toInt(row[2])), 0, {}, why,
                     "dependencies", now);
    ++n;
  }
  tx.commit();
  return n;
}

size_t DeliveryStore::replay(const ReplayFilter& f, const std::string& actor, int64_t now) {
  if (f.state != MessageState::kDead && f.state != MessageState::kRejected)
    throw StoreError("only dead or rejected messages can be replayed");
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  // Only the latest content per key: an older one was replaced anyway.
  std::string sql =
      "SELECT m.id, m.attempts FROM messages m WHERE m.state = $1 AND ($2 = '' OR m.registry = $2) "
      "AND m.updated_at >= $3 AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.registry = m.registry "
      "AND n.idem_key = m.idem_key AND n.id > m.id)";
  std::vector<SqlParam> params = {stateParam(f.state), f.registry, f.since.value_or(0)};
  if (!f.kommuner.empty()) {
    std::string in;
    for (const std::string& k : f.kommuner) {
      params.emplace_back(k);
      in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
    }
    sql += " AND m.kommune IN (" + in + ")";
  }
  const auto rows = db_->query(sql + " ORDER BY m.id", params);
  for (const auto& row : rows) {
    const int64_t id = toInt(row[0]);
    db_->query(
        "UPDATE messages SET state = 'pending', attempts = 0, next_at = $2, last_rule = NULL, updated_at = $2 WHERE id = "
        "$1",
        {id, now});
    db_->query(kBlockUnlessReady, {id});  // its predecessors may be waiting again (replayed too)
    insertTransition(id, f.state, MessageState::kPending, static_cast<int>(toInt(row[1])), 0, {}, "replayed", actor,
                     now);
  }
  std::string what = std::string("state=") + std::string(toString(f.state)) +
                     (f.registry.empty() ? "" : " registry=" + f.registry);
  for (size_t i = 0; i < f.kommuner.size(); ++i) what += (i ? "," : " kommuner=") + f.kommuner[i];
  recordAuditLocked(actor, "replay", what + ": " + std::to_string(rows.size()) + " messages back to pending", now);
  tx.commit();
  return rows.size();
}

size_t DeliveryStore::prunePersonalData(const std::string& registry, int64_t acceptedBefore, const std::string& actor,
                                        int64_t now) {
  std::lock_guard lock(mutex_);
  const bool sqlite = dialect_ == Dialect::kSqlite;
  // Overwritten bytes are zeroed in the pages, not left in their free space.
  if (sqlite) db_->script("PRAGMA secure_delete = ON");
  size_t n = 0;
  {
    Transaction tx(*db_);
    db_->query(
        "UPDATE messages SET sealed = '', cpr_hash = 'pruned', citizen_masked = '(pruned)' WHERE state = 'accepted' "
        "AND registry = $1 AND updated_at < $2 AND sealed <> ''",
        {registry, acceptedBefore});
    n = static_cast<size_t>(db_->changes());
    recordAuditLocked(actor, "prune",
                      "registry=" + registry + " accepted before " + std::to_string(acceptedBefore / 1000) +
                          " (epoch s): personal data of " + std::to_string(n) + " messages removed",
                      now);
    tx.commit();
  }
  if (n == 0) return 0;
  // What the old versions of those rows left behind goes too.
  if (sqlite)
    db_->script("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE)");
  else
    db_->script("VACUUM messages");
  return n;
}

size_t DeliveryStore::pruneIngestDiagnostics(int64_t madeBefore) {
  std::lock_guard lock(mutex_);
  const bool sqlite = dialect_ == Dialect::kSqlite;
  if (sqlite) db_->script("PRAGMA secure_delete = ON");
  db_->query("DELETE FROM ingest_diagnostics WHERE ingest_id IN (SELECT id FROM ingests WHERE created_at < $1)",
             {madeBefore});
  const auto n = static_cast<size_t>(db_->changes());
  if (n > 0) db_->script(sqlite ? "PRAGMA wal_checkpoint(TRUNCATE)" : "VACUUM ingest_diagnostics");
  return n;
}

size_t DeliveryStore::rekey(RekeyCursor& cursor, size_t max) {
  std::lock_guard lock(mutex_);
  const std::string current = keyring_->currentKeyId();
  size_t resealed = 0, seen = 0;
  Transaction tx(*db_);
  // A message changed meanwhile (its sealed value no longer the one read:
  // pruned) is left as its writer left it.
  for (const auto& r : db_->query(
           "SELECT id, key_id, sealed, registry, idem_key, content_hash FROM messages WHERE id > $1 ORDER BY id LIMIT $2",
           {cursor.message, static_cast<int64_t>(max)})) {
    ++seen;
    cursor.message = toInt(r[0]);
    if (toStr(r[1]) == current || toStr(r[2]).empty()) continue;
    const std::string context = messageContext(toStr(r[3]), toStr(r[4]), toStr(r[5]));
    const std::string plain = keyring_->open(toStr(r[1]), toStr(r[2]), context);
    db_->query("UPDATE messages SET key_id = $2, sealed = $3 WHERE id = $1 AND sealed = $4",
               {cursor.message, current, keyring_->seal(plain, context), toStr(r[2])});
    ++resealed;
  }
  if (seen < max) {
    size_t diagnostics = 0;
    for (const auto& r : db_->query(
             "SELECT id, key_id, sealed, ingest_id FROM ingest_diagnostics WHERE id > $1 ORDER BY id LIMIT $2",
             {cursor.diagnostic, static_cast<int64_t>(max - seen)})) {
      ++diagnostics;
      cursor.diagnostic = toInt(r[0]);
      if (toStr(r[1]) == current) continue;
      const std::string context = "diag\n" + toStr(r[3]);
      const std::string plain = keyring_->open(toStr(r[1]), toStr(r[2]), context);
      db_->query("UPDATE ingest_diagnostics SET key_id = $2, sealed = $3 WHERE id = $1",
                 {cursor.diagnostic, current, keyring_->seal(plain, context)});
      ++resealed;
    }
    seen += diagnostics;
  }
  // Each render group's sealed diagnostics until its ingest is recorded (a
  // row recorded meanwhile is deleted, not updated: nothing to skip).
  if (seen < max) {
    size_t progress = 0;
    for (const auto& r : db_->query(
             "SELECT id, key_id, sealed, ingest_id FROM ingest_progress WHERE id > $1 ORDER BY id LIMIT $2",
             {cursor.progress, static_cast<int64_t>(max - seen)})) {
      ++progress;
      cursor.progress = toInt(r[0]);
      if (toStr(r[1]) == current) continue;
      const std::string context = ingestProgressContext(toStr(r[3]));
      const std::string plain = keyring_->open(toStr(r[1]), toStr(r[2]), context);
      db_->query("UPDATE ingest_progress SET key_id = $2, sealed = $3 WHERE id = $1",
                 {cursor.progress, current, keyring_->seal(plain, context)});
      ++resealed;
    }
    cursor.done = seen + progress < max;
  }
  tx.commit();
  return resealed;
}

void DeliveryStore::recordAudit(const std::string& actor, const std::string& action, const std::string& detail,
                                int64_t now) {
  std::lock_guard lock(mutex_);
  recordAuditLocked(actor, action, detail, now);
}

void DeliveryStore::recordAuditLocked(const std::string& actor, const std::string& action, const std::string& detail,
                                      int64_t now) {
  if (actor.empty() || action.empty()) throw StoreError("bug: an audit entry needs an actor and an action");
  db_->query("INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, $3, $4)",
             {now, actor, action, maskDigitRuns(detail)});
}

std::vector<AuditEntry> DeliveryStore::audit(int64_t since, size_t max) {
  std::lock_guard lock(mutex_);
  std::vector<AuditEntry> out;
  for (const auto& r : db_->query("SELECT at, actor, action, detail FROM audit WHERE at >= $1 ORDER BY at, id LIMIT $2",
                                  {since, static_cast<int64_t>(max)}))
    out.push_back({toInt(r[0]), toStr(r[1]), toStr(r[2]), toStr(r[3])});
  return out;
}

// The counters the triggers of migration 11 keep (message_counts, plus on
// PostgreSQL the deltas not folded in yet): a few rows per registry ×
// kommune, however many messages there are.
std::vector<StateCount> DeliveryStore::counts(const std::string& registry, const std::string& kommune) {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query(
      "SELECT registry, kommune, state, SUM(n) FROM (SELECT registry, kommune, state, n FROM message_counts UNION ALL "
      "SELECT registry, kommune, state, n FROM message_count_deltas) c WHERE state <> 'superseded' "
      "AND ($1 = '' OR registry = $1) AND ($2 = '' OR kommune = $2) "
      "GROUP BY registry, kommune, state HAVING SUM(n) <> 0 ORDER BY registry, kommune, state",
      {registry, kommune});
  std::vector<StateCount> out;
  for (const auto& r : rows) out.push_back({toStr(r[0]), toStr(r[1]), toState(r[2]), toInt(r[3])});
  return out;
}

size_t DeliveryStore::foldCounts() {
  std::lock_guard lock(mutex_);
  if (dialect_ != Dialect::kPostgres) return 0;  // SQLite's triggers add to message_counts directly
  Transaction tx(*db_);
  // One folder at a time: two would lock the same counter rows in any order.
  if (db_->query("SELECT pg_try_advisory_xact_lock(7310011)").at(0).at(0).value_or("f") != "t") return 0;
  db_->query(
      "WITH moved AS (DELETE FROM message_count_deltas RETURNING registry, kommune, state, n) "
      "INSERT INTO message_counts (registry, kommune, state, n) SELECT registry, kommune, state, SUM(n) FROM moved "
      "GROUP BY registry, kommune, state ON CONFLICT (registry, kommune, state) DO UPDATE SET n = message_counts.n + "
      "excluded.n");
  auto folded = static_cast<size_t>(db_->changes());
  // The answer texts' counters (migration 13) the same way; a text no message holds any more goes.
  // The counters this fold brought to 0 are named by the fold itself and
  // deleted by key: a DELETE … WHERE n = 0 read every counter each second.
  const auto changed = db_->query(
      "WITH moved AS (DELETE FROM message_detail_deltas RETURNING registry, kommune, state, detail_key, detail, n) "
      "INSERT INTO message_detail_counts (registry, kommune, state, detail_key, detail, n) SELECT registry, kommune, "
      "state, detail_key, MIN(detail), SUM(n) FROM moved GROUP BY registry, kommune, state, detail_key ON CONFLICT "
      "(registry, kommune, state, detail_key) DO UPDATE SET n = message_detail_counts.n + excluded.n "
      "RETURNING registry, kommune, state, detail_key, n");
  folded += changed.size();
  for (const auto& r : changed)
    if (toInt(r[4]) == 0)
      db_->query(
          "DELETE FROM message_detail_counts WHERE registry = $1 AND kommune = $2 AND state = $3 AND detail_key = $4 "
          "AND n = 0",
          {toStr(r[0]), toStr(r[1]), toStr(r[2]), toStr(r[3])});
  tx.commit();
  return folded;
}

namespace {

// The rejected and dead messages per answer text, from the counters the
// triggers of migration 13 keep (plus, on PostgreSQL, the deltas not folded
// in yet): a few rows per rule, however many messages there are.
constexpr const char* kDetailCounts =
    "SELECT registry, state, detail, SUM(n) FROM (SELECT registry, kommune, state, detail_key, detail, n FROM "
    "message_detail_counts UNION ALL SELECT registry, kommune, state, detail_key, detail, n FROM "
    "message_detail_deltas) c";
constexpr const char* kDetailGroups = " GROUP BY registry, state, detail_key, detail HAVING SUM(n) <> 0";

}  // namespace

void DeliveryStore::addMessageGroups(const std::vector<SqlRow>& rows, std::vector<RejectionGroup>& out) {
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> grouped;  // source, registry, rule
  for (const auto& r : rows) {
    const bool rejected = toStr(r[1]) == "rejected";
    const std::string detail = toStr(r[2]);
    grouped[{rejected ? "registry" : "dead", toStr(r[0]), rejected ? ruleOf(detail) : deadReason(detail)}] +=
        toInt(r[3]);
  }
  for (const auto& [k, n] : grouped) out.push_back({std::get<1>(k), std::get<0>(k), std::get<2>(k), "error", n});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
}

std::vector<RejectionGroup> DeliveryStore::rejections(const std::string& registry) {
  std::lock_guard lock(mutex_);
  std::vector<RejectionGroup> out;
  addMessageGroups(db_->query(std::string(kDetailCounts) + " WHERE ($1 = '' OR registry = $1)" + kDetailGroups, {registry}),
                   out);
  for (const auto& r : db_->query(
           "SELECT registry, rule, severity, COUNT(*) FROM ingest_diagnostics WHERE severity IN ('error', 'warning') "
           "AND ($1 = '' OR registry = $1) GROUP BY registry, rule, severity ORDER BY COUNT(*) DESC, registry, rule",
           {registry}))
    out.push_back({toStr(r[0]), "validation", toStr(r[1]), toStr(r[2]), toInt(r[3])});
  return out;
}

std::vector<RejectionGroup> DeliveryStore::rejectionsIn(const std::string& registry, const std::string& kommune) {
  std::lock_guard lock(mutex_);
  std::vector<RejectionGroup> out;
  addMessageGroups(db_->query(std::string(kDetailCounts) + " WHERE kommune = $2 AND ($1 = '' OR registry = $1)" +
                                  kDetailGroups,
                              {registry, kommune}),
                   out);
  return out;
}

std::vector<RejectionGroup> DeliveryStore::validationProblemsOf(const std::string& registry, const std::string& actor) {
  std::lock_guard lock(mutex_);
  std::vector<RejectionGroup> out;
  for (const auto& r : db_->query(
           "SELECT d.registry, d.rule, d.severity, COUNT(*) FROM ingests i JOIN ingest_diagnostics d ON d.ingest_id = "
           "i.id WHERE i.actor = $2 AND d.severity IN ('error', 'warning') AND ($1 = '' OR d.registry = $1) GROUP BY "
           "d.registry, d.rule, d.severity ORDER BY COUNT(*) DESC, d.registry, d.rule",
           {registry, actor}))
    out.push_back({toStr(r[0]), "validation", toStr(r[1]), toStr(r[2]), toInt(r[3])});
  return out;
}

std::vector<Transition> DeliveryStore::history(const std::string& where, const std::vector<SqlParam>& params) {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query(
      "SELECT t.message_id, t.at, m.registry, m.kind, m.idem_key, m.forloeb_key, m.citizen_masked, t.from_state, "
      "t.to_state, t.attempt, t.http_status, t.registry_id, t.detail, t.actor, m.kommune FROM transitions t "
      "JOIN messages m ON m.id = t.message_id WHERE " + where + " ORDER BY t.id",
      params);
  std::vector<Transition> out;
  for (const auto& r : rows) {
    Transition t;
    t.messageId = toInt(r[0]);
    t.at = toInt(r[1]);
    t.registry = toStr(r[2]);
    t.kind = toStr(r[3]);
    t.idempotencyKey = toStr(r[4]);
    t.forloebKey = toStr(r[5]);
    t.citizenMasked = toStr(r[6]);
    if (r[7]) t.from = toState(r[7]);
    t.to = toState(r[8]);
    t.attempt = static_cast<int>(toInt(r[9]));
    t.httpStatus = static_cast<int>(toInt(r[10]));
    t.registryId = toStr(r[11]);
    t.detail = toStr(r[12]);
    t.actor = toStr(r[13]);
    t.kommune = toStr(r[14]);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Transition> DeliveryStore::historyForForloeb(const std::string& forloebKey) {
  return history("m.forloeb_key = $1", {forloebKey});
}

std::vector<Transition> DeliveryStore::historyForCpr(const std::string& cpr) {
  return history("m.cpr_hash = $1", {keyring_->lookupHash(cpr)});
}

std::vector<Transition> DeliveryStore::historyForMessage(int64_t id) { return history("m.id = $1", {id}); }

int64_t DeliveryStore::backlog() {
  std::lock_guard lock(mutex_);
  return toInt(db_->query("SELECT SUM(n) FROM (SELECT state, n FROM message_counts UNION ALL SELECT state, n FROM "
                          "message_count_deltas) c WHERE state IN ('pending', 'sending', 'retry-wait')")
                   .at(0)
                   .at(0));
}

std::optional<int64_t> DeliveryStore::lastAccepted(const std::string& registry) {
  std::lock_guard lock(mutex_);
  const auto rows =
      db_->query("SELECT MAX(updated_at) FROM messages WHERE state = 'accepted' AND registry = $1", {registry});
  if (rows.empty() || !rows[0][0]) return std::nullopt;
  return toInt(rows[0][0]);
}

std::optional<int64_t> DeliveryStore::oldestWaiting(const std::string& registry) {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query(
      "SELECT MIN(created_at) FROM messages WHERE state IN ('pending', 'sending', 'retry-wait') AND registry = $1",
      {registry});
  if (rows.empty() || !rows[0][0]) return std::nullopt;
  return toInt(rows[0][0]);
}

std::optional<int64_t> DeliveryStore::nextDue() {
  std::lock_guard lock(mutex_);
  const auto rows =
      db_->query("SELECT MIN(next_at) FROM messages WHERE state IN ('pending', 'retry-wait') AND blocked = 0");
  if (rows.empty() || !rows[0][0]) return std::nullopt;
  return toInt(rows[0][0]);
}

std::optional<MessageState> DeliveryStore::stateOf(int64_t id) {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query("SELECT state FROM messages WHERE id = $1", {id});
  if (rows.empty()) return std::nullopt;
  return toState(rows[0][0]);
}

bool DeliveryStore::recordIngest(const IngestRecord& r, const std::vector<diag::Diagnostic>& diagnostics,
                                 const std::string& leaseOwner) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  if (!leaseOwner.empty()) {
    // A queued ingest's row exists: done now, if its worker still holds the lease.
    db_->query(
        "UPDATE ingests SET citizens = $2, messages = $3, errors = $4, warnings = $5, unreadable = $6, state = 'done', "
        "refused = $7, failure = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND state = 'ingesting' "
        "AND lease_owner = $8",
        {r.id, r.citizens, r.messages, r.errors, r.warnings, int64_t{r.unreadable ? 1 : 0}, nullable(r.refused),
         leaseOwner});
    if (db_->changes() != 1) return false;  // rolled back: another worker has it
  } else {
    db_->query(
        "INSERT INTO ingests (id, created_at, source, citizens, messages, errors, warnings, unreadable, actor, state, "
        "refused) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'done', $10) ON CONFLICT (id) DO UPDATE SET citizens = "
        "excluded.citizens, messages = excluded.messages, errors = excluded.errors, warnings = excluded.warnings, "
        "unreadable = excluded.unreadable, state = 'done', refused = excluded.refused, lease_owner = NULL, "
        "lease_until = NULL",
        {r.id, r.createdAt, r.source, r.citizens, r.messages, r.errors, r.warnings, int64_t{r.unreadable ? 1 : 0},
         nullable(r.actor), nullable(r.refused)});
  }
  db_->query("DELETE FROM intake_bodies WHERE ingest_id = $1", {r.id});
  db_->query("DELETE FROM ingest_progress WHERE ingest_id = $1", {r.id});
  // A worker that ingested it before and died before this commit left no
  // diagnostics (same transaction); one that got here first left them: once.
  db_->query("DELETE FROM ingest_diagnostics WHERE ingest_id = $1", {r.id});
  recordAuditLocked(r.actor.empty() ? "unknown" : r.actor, "ingest",
                    "ingest " + r.id + ": " +
                        (r.refused.empty() ? std::to_string(r.citizens) + " citizens, " + std::to_string(r.messages) +
                                                 " messages queued, " + std::to_string(r.errors) + " errors"
                                           : std::string("refused (outside the sender's kommuner)")),
                    r.createdAt);
  for (const auto& d : diagnostics)
    db_->query(
        "INSERT INTO ingest_diagnostics (ingest_id, registry, severity, rule, key_id, sealed) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {r.id, d.registry, std::string(diag::toString(d.severity)), d.rule, keyring_->currentKeyId(),
         keyring_->seal(diagnosticJson(d), "diag\n" + r.id)});
  tx.commit();
  return true;
}

IngestProgress DeliveryStore::ingestProgress(const std::string& id) {
  std::lock_guard lock(mutex_);
  IngestProgress out;
  for (const auto& r : db_->query(
           "SELECT citizens, messages, key_id, sealed FROM ingest_progress WHERE ingest_id = $1 ORDER BY id", {id})) {
    out.citizens += toInt(r[0]);
    out.messages += toInt(r[1]);
    const std::string lines = keyring_->open(toStr(r[2]), toStr(r[3]), ingestProgressContext(id));
    for (size_t from = 0; from < lines.size();) {
      const size_t end = std::min(lines.find('\n', from), lines.size());
      if (end > from) out.diagnostics.push_back(parseDiagnostic(lines.substr(from, end - from)));
      from = end + 1;
    }
  }
  return out;
}

std::vector<FailedIngest> DeliveryStore::failedIngests(const std::string& actor, size_t max) {
  std::lock_guard lock(mutex_);
  std::vector<FailedIngest> out;
  for (const auto& r : db_->query("SELECT id, source, actor, failure, created_at, attempts FROM ingests WHERE state = "
                                  "'failed' AND ($1 = '' OR actor = $1) ORDER BY created_at LIMIT $2",
                                  {actor, static_cast<int64_t>(max)}))
    out.push_back({toStr(r[0]), toStr(r[1]), toStr(r[2]), toStr(r[3]), toInt(r[4]), toInt(r[5])});
  return out;
}

size_t DeliveryStore::discardLocked(const std::vector<std::string>& ids, int64_t* pieces) {
  size_t n = 0;
  for (const std::string& id : ids) {
    // Conditional on the state: a replay that queued it meanwhile wins.
    db_->query("UPDATE ingests SET state = 'discarded', lease_owner = NULL, lease_until = NULL WHERE id = $1 AND "
               "state = 'failed'",
               {id});
    if (db_->changes() != 1) continue;
    ++n;
    db_->query("DELETE FROM intake_bodies WHERE ingest_id = $1", {id});
    *pieces += db_->changes();
    db_->query("DELETE FROM ingest_progress WHERE ingest_id = $1", {id});
  }
  return n;
}

bool DeliveryStore::discardFailedIngest(const std::string& id, const std::string& actor, int64_t now) {
  std::lock_guard lock(mutex_);
  if (dialect_ == Dialect::kSqlite) db_->script("PRAGMA secure_delete = ON");
  Transaction tx(*db_);
  int64_t pieces = 0;
  if (discardLocked({id}, &pieces) == 0) return false;  // rolled back: nothing changed
  recordAuditLocked(actor, "discard",
                    "failed ingest " + id + ": discarded, its posted body (" + std::to_string(pieces) +
                        " sealed pieces) deleted",
                    now);
  tx.commit();
  return true;
}

size_t DeliveryStore::pruneFailedIngests(int64_t postedBefore, const std::string& actor, int64_t now) {
  std::lock_guard lock(mutex_);
  const bool sqlite = dialect_ == Dialect::kSqlite;
  if (sqlite) db_->script("PRAGMA secure_delete = ON");
  size_t n = 0;
  {
    Transaction tx(*db_);
    std::vector<std::string> ids;
    for (const auto& r : db_->query("SELECT id FROM ingests WHERE state = 'failed' AND created_at < $1", {postedBefore}))
      ids.push_back(toStr(r[0]));
    int64_t pieces = 0;
    n = discardLocked(ids, &pieces);
    if (n == 0) return 0;
    recordAuditLocked(actor, "prune",
                      "failed ingests posted before " + std::to_string(postedBefore / 1000) + " (epoch s): " +
                          std::to_string(n) + " discarded, " + std::to_string(pieces) + " sealed body pieces deleted",
                      now);
    tx.commit();
  }
  db_->script(sqlite ? "PRAGMA wal_checkpoint(TRUNCATE)" : "VACUUM intake_bodies");
  return n;
}

std::optional<IngestRecord> DeliveryStore::ingest(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query(
      "SELECT id, created_at, source, citizens, messages, errors, warnings, unreadable, actor, state, refused, "
      "attempts, failure FROM ingests WHERE id = $1",
      {id});
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return IngestRecord{toStr(r[0]), toInt(r[1]),  toStr(r[2]),  toInt(r[3]), toInt(r[4]),
                      toInt(r[5]), toInt(r[6]),  toInt(r[7]) != 0, toStr(r[8]), toStr(r[9]),
                      toStr(r[10]), toInt(r[11]), toStr(r[12])};
}

std::vector<diag::Diagnostic> DeliveryStore::ingestDiagnostics(const std::string& id) {
  std::lock_guard lock(mutex_);
  std::vector<diag::Diagnostic> out;
  for (const auto& r : db_->query("SELECT key_id, sealed FROM ingest_diagnostics WHERE ingest_id = $1 ORDER BY id", {id}))
    out.push_back(parseDiagnostic(keyring_->open(toStr(r[0]), toStr(r[1]), "diag\n" + id)));
  return out;
}

std::optional<std::string> DeliveryStore::lastContentHash(std::string_view key, const std::string& exceptIngest) const {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query("SELECT content_hash, ingest_id FROM messages WHERE idem_key = $1 ORDER BY id DESC LIMIT 1",
                               {std::string(key)});
  if (rows.empty()) return std::nullopt;
  if (!exceptIngest.empty() && toStr(rows[0][1]) == exceptIngest) return std::nullopt;
  return toStr(rows[0][0]);
}

std::optional<std::string> DeliveryStore::registryId(std::string_view key) const {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query(
      "SELECT registry_id FROM messages WHERE idem_key = $1 AND state = 'accepted' AND registry_id IS NOT NULL "
      "ORDER BY id DESC LIMIT 1",
      {std::string(key)});
  if (rows.empty()) return std::nullopt;
  return toStr(rows[0][0]);
}

bool DeliveryStore::sentBefore(const std::string& registry, std::string_view key) const {
  std::lock_guard lock(mutex_);
  // The current claim is one 'sending' transition; any other one means an earlier hand-over.
  return handovers(registry, key) > 1;
}

int64_t DeliveryStore::handovers(const std::string& registry, std::string_view key) const {
  const auto rows = db_->query(
      "SELECT COUNT(*) FROM messages m JOIN transitions t ON t.message_id = m.id WHERE m.idem_key = $1 AND "
      "m.registry = $2 AND t.to_state = 'sending'",
      {std::string(key), registry});
  return rows.empty() ? 0 : toInt(rows[0][0]);
}

}  // namespace reghub::store

// ---- the dashboard's queries (issue 15) ----

namespace reghub::store {

namespace {

// A LIKE pattern (escape '!') that every answer text grouped under `rule` matches.
std::string likePatternOf(const std::string& source, const std::string& rule) {
  if (rule == "(no reason given)") return "";
  if (source == "dead" && rule == "a message it depends on ended rejected or dead") return "depends on %";
  std::string text = rule;
  const bool shortened = text.size() > 3 && text.compare(text.size() - 3, 3, "...") == 0;
  if (shortened) text.resize(text.size() - 3);
  std::string out = "%";
  for (const char c : text) {
    if (c == '%' || c == '_' || c == '!') out += '!';
    out += c;
  }
  return out + "%";
}

// likePatternOf as a test on one text (case-sensitive: the rule is a piece
// of the text itself), for rows read in index order.
bool mayHold(const std::string& detail, const std::string& source, const std::string& rule) {
  if (rule == "(no reason given)") return true;
  if (source == "dead" && rule == "a message it depends on ended rejected or dead") return detail.rfind("depends on ", 0) == 0;
  const bool shortened = rule.size() > 3 && rule.compare(rule.size() - 3, 3, "...") == 0;
  return detail.find(shortened ? rule.substr(0, rule.size() - 3) : rule) != std::string::npos;
}

std::optional<int64_t> firstInt(const std::vector<SqlRow>& rows) {
  if (rows.empty() || !rows[0][0]) return std::nullopt;
  return toInt(rows[0][0]);
}

}  // namespace

DeliveryMarks DeliveryStore::deliveryMarks(const std::string& registry, const std::string& kommune) {
  std::lock_guard lock(mutex_);
  DeliveryMarks m;
  // Each is one step into the end of a partial index (messages_accepted_kommune, messages_open_kommune).
  m.lastAccepted = firstInt(db_->query(
      "SELECT MAX(updated_at) FROM messages WHERE state = 'accepted' AND registry = $1 AND kommune = $2",
      {registry, kommune}));
  m.oldestOpen = firstInt(db_->query(
      "SELECT MIN(created_at) FROM messages WHERE state IN ('pending', 'sending', 'retry-wait', 'rejected', 'dead') "
      "AND registry = $1 AND kommune = $2",
      {registry, kommune}));
  return m;
}

std::vector<RuleCase> DeliveryStore::casesOfRule(const std::string& registry, const std::string& source,
                                                 const std::string& rule, const std::vector<std::string>& kommuner,
                                                 const std::string& actor, size_t max) {
  std::lock_guard lock(mutex_);
  std::vector<RuleCase> out;
  if (source == "validation") {
    const auto rows = db_->query(
        "SELECT d.ingest_id, d.key_id, d.sealed, i.created_at FROM ingest_diagnostics d JOIN ingests i ON i.id = "
        "d.ingest_id WHERE d.registry = $1 AND d.rule = $2 AND ($3 = '' OR i.actor = $3) ORDER BY d.id DESC LIMIT $4",
        {registry, rule, actor, static_cast<int64_t>(max)});
    for (const auto& r : rows) {
      const auto d = parseDiagnostic(keyring_->open(toStr(r[1]), toStr(r[2]), "diag\n" + toStr(r[0])));
      out.push_back({registry, "", d.forloeb, d.citizen, "", d.field, d.message, toStr(r[0]), std::nullopt, toInt(r[3])});
    }
    return out;
  }
  if (source != "registry" && source != "dead") return out;
  const std::string state = source == "registry" ? "rejected" : "dead";
  // The group's rule is derived from the answer's text (ruleOf), so the
  // registry's ended messages are read newest first and matched here. The
  // partial index messages_ended holds only rejected and dead ones; its
  // condition is repeated word for word, as SQLite uses a partial index only
  // when the query's WHERE holds that term itself.
  // The newest rows first, as many as `max` cases are likely to need, and
  // four times more while that was not enough (the rows read before are
  // skipped): about `max` rows, not every message under the rule. The text
  // is tested here, not by a LIKE in SQL: PostgreSQL guessed a LIKE to leave
  // one row and sorted every ended message instead of reading the index's
  // newest end. A substring test comes before the exact (regex) match: the
  // regex on every row cost seconds at 100,000 rejected messages.
  size_t seen = 0;
  for (int64_t limit = std::max<int64_t>(1000, 2 * static_cast<int64_t>(max));; limit *= 4) {
    const auto rows = db_->query(
        "SELECT kommune, forloeb_key, citizen_masked, kind, COALESCE(last_detail, ''), updated_at FROM messages "
        "WHERE state IN ('rejected', 'dead') AND state = $2 AND registry = $1 ORDER BY updated_at DESC LIMIT $3",
        {registry, state, limit});
    for (size_t i = seen; i < rows.size(); ++i) {
      const auto& r = rows[i];
      const std::string detail = toStr(r[4]);
      if (!mayHold(detail, source, rule) || (source == "registry" ? ruleOf(detail) : deadReason(detail)) != rule) continue;
      const std::string kommune = toStr(r[0]);
      if (!kommuner.empty() && std::find(kommuner.begin(), kommuner.end(), kommune) == kommuner.end()) continue;
      out.push_back({registry, kommune, toStr(r[1]), toStr(r[2]), toStr(r[3]), "", detail, "",
                     toState(std::optional<std::string>(state)), toInt(r[5])});
      if (out.size() >= max) return out;
    }
    if (static_cast<int64_t>(rows.size()) < limit) return out;
    seen = rows.size();
  }
}

std::vector<std::pair<std::string, int64_t>> DeliveryStore::ruleByKommune(const std::string& registry,
                                                                          const std::string& source,
                                                                          const std::string& rule) {
  std::lock_guard lock(mutex_);
  std::map<std::string, int64_t> by;
  if (source != "registry" && source != "dead") return {};
  // From the answer texts' counters (migration 13), so the exact rule match runs once per distinct text.
  for (const auto& r : db_->query(
           "SELECT kommune, detail, SUM(n) FROM (SELECT registry, kommune, state, detail_key, detail, n FROM "
           "message_detail_counts UNION ALL SELECT registry, kommune, state, detail_key, detail, n FROM "
           "message_detail_deltas) c WHERE registry = $1 AND state = $2 AND detail LIKE $3 ESCAPE '!' GROUP BY kommune, "
           "detail_key, detail HAVING SUM(n) <> 0",
           {registry, std::string(source == "registry" ? "rejected" : "dead"), likePatternOf(source, rule)})) {
    const std::string detail = toStr(r[1]);
    if ((source == "registry" ? ruleOf(detail) : deadReason(detail)) == rule) by[toStr(r[0])] += toInt(r[2]);
  }
  std::vector<std::pair<std::string, int64_t>> out(by.begin(), by.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace reghub::store
