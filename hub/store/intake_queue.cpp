#include "hub/store/intake_queue.h"

namespace reghub::store {

namespace {

int64_t toInt(const std::optional<std::string>& v) { return v && !v->empty() ? std::stoll(*v) : 0; }
std::string toStr(const std::optional<std::string>& v) { return v ? *v : std::string(); }

std::string pieceContext(const std::string& id, int64_t seq) { return "intake\n" + id + "\n" + std::to_string(seq); }

std::string joinScope(const std::set<std::string>& kommuner) {
  std::string out;
  for (const auto& k : kommuner) out += (out.empty() ? "" : ",") + k;
  return out;
}

std::set<std::string> splitScope(const std::string& s) {
  std::set<std::string> out;
  size_t from = 0;
  while (from < s.size()) {
    const size_t comma = std::min(s.find(',', from), s.size());
    if (comma > from) out.insert(s.substr(from, comma - from));
    from = comma + 1;
  }
  return out;
}

// The waiting states, spelt as the partial index ingests_waiting is, so that
// SQLite sees the query implies the index's WHERE.
constexpr const char* kWaiting = "state IN ('receiving', 'queued', 'ingesting')";

}  // namespace

IntakeQueue::IntakeQueue(std::unique_ptr<SqlDb> db, std::shared_ptr<const Keyring> keyring)
    : db_(std::move(db)), keyring_(std::move(keyring)) {}
IntakeQueue::~IntakeQueue() = default;

std::unique_ptr<IntakeQueue> IntakeQueue::open(const StoreOptions& options) {
  if (!options.keyring) throw KeyError("the intake queue needs a key (store.key or REGHUB_STORE_KEY)");
  return std::unique_ptr<IntakeQueue>(new IntakeQueue(openStoreDatabase(options), options.keyring));
}

void IntakeQueue::insertRow(const QueuedIngest& in, const std::string& state, int64_t now) {
  db_->query(
      "INSERT INTO ingests (id, created_at, source, citizens, messages, errors, warnings, unreadable, actor, state, "
      "content_type, scope) VALUES ($1, $2, $3, 0, 0, 0, 0, 0, $4, $5, $6, $7)",
      {in.id, now, in.source, in.actor, state, in.contentType, joinScope(in.kommuner)});
}

void IntakeQueue::insertPiece(const std::string& id, int64_t seq, std::string_view piece) {
  db_->query("INSERT INTO intake_bodies (ingest_id, seq, key_id, sealed) VALUES ($1, $2, $3, $4)",
             {id, seq, keyring_->currentKeyId(), keyring_->seal(piece, pieceContext(id, seq))});
}

void IntakeQueue::enqueue(const QueuedIngest& in, std::string_view body, int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  insertRow(in, "queued", now);
  insertPiece(in.id, 0, body);
  tx.commit();
}

void IntakeQueue::begin(const QueuedIngest& in, int64_t now) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  insertRow(in, "receiving", now);
  tx.commit();
}

void IntakeQueue::append(const std::string& id, int64_t seq, std::string_view piece) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  insertPiece(id, seq, piece);
  tx.commit();
}

void IntakeQueue::release(const std::string& id) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->query("UPDATE ingests SET state = 'queued' WHERE id = $1 AND state = 'receiving'", {id});
  tx.commit();
}

void IntakeQueue::abandon(const std::string& id) noexcept {
  try {
    std::lock_guard lock(mutex_);
    Transaction tx(*db_);
    db_->query("DELETE FROM intake_bodies WHERE ingest_id = $1", {id});
    db_->query("DELETE FROM ingests WHERE id = $1 AND state = 'receiving'", {id});
    tx.commit();
  } catch (const std::exception&) {
    // left as receiving: dropStaleReceiving removes it later
  }
}

std::optional<QueuedIngest> IntakeQueue::claim(const std::string& worker, int64_t now, int64_t leaseMillis,
                                               int maxAttempts, int64_t failGraceMillis) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  const bool pg = db_->dialect() == Dialect::kPostgres;
  const int64_t cap = std::max(1, maxAttempts);
  // Its workers died (or were killed) in each of its attempts: given up, not
  // tried once more (an ingest that crashes its process would do it again).
  // Only a grace period after the lease ran out: a worker that is alive but
  // late to renew (a stall, a slow store) may still finish and record it.
  db_->query(std::string("UPDATE ingests SET state = 'failed', lease_owner = NULL, lease_until = NULL, failure = "
                         "'gave up after ' || attempts || ' attempts; the last one''s worker stopped (its lease ran out)' "
                         "WHERE id IN (SELECT id FROM ingests WHERE ") +
                 kWaiting + " AND state = 'ingesting' AND lease_until < $1 AND attempts >= $2)",
             {now - std::max<int64_t>(0, failGraceMillis), cap});
  // One at the cap whose grace has not passed is neither failed nor claimed.
  const auto rows = db_->query(
      std::string("UPDATE ingests SET state = 'ingesting', lease_owner = $1, lease_until = $2, attempts = attempts + 1 "
                  "WHERE id = (SELECT id FROM ingests WHERE ") +
          kWaiting +
          " AND (state = 'queued' OR (state = 'ingesting' AND lease_until < $3 AND attempts < $4)) ORDER BY created_at "
          "LIMIT 1" +
          (pg ? " FOR UPDATE SKIP LOCKED" : "") +
          ") RETURNING id, source, content_type, actor, scope, created_at, attempts",
      {worker, now + leaseMillis, now, cap});
  tx.commit();
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return QueuedIngest{toStr(r[0]), toStr(r[1]), toStr(r[2]), toStr(r[3]), splitScope(toStr(r[4])), toInt(r[5]),
                      static_cast<int>(toInt(r[6])), worker};
}

bool IntakeQueue::fail(const std::string& id, const std::string& worker, const std::string& why) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->query(
      "UPDATE ingests SET state = 'failed', failure = $3, lease_owner = NULL, lease_until = NULL WHERE id = $1 AND "
      "state = 'ingesting' AND lease_owner = $2",
      {id, worker, maskDigitRuns(why)});
  const bool kept = db_->changes() > 0;
  tx.commit();
  return kept;
}

size_t IntakeQueue::replayFailed(const std::string& id) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->query(
      "UPDATE ingests SET state = 'queued', attempts = 0, failure = NULL WHERE id IN (SELECT id FROM ingests WHERE "
      "state = 'failed' AND ($1 = '' OR id = $1))",
      {id});
  const auto n = static_cast<size_t>(db_->changes());
  // Its progress rows stay: what earlier attempts queued is still counted.
  tx.commit();
  return n;
}

bool IntakeQueue::renew(const std::string& id, const std::string& worker, int64_t until) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  db_->query("UPDATE ingests SET lease_until = $1 WHERE id = $2 AND state = 'ingesting' AND lease_owner = $3",
             {until, id, worker});
  const bool kept = db_->changes() > 0;
  tx.commit();
  return kept;
}

std::string IntakeQueue::body(const std::string& id) {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& r : db_->query("SELECT seq, key_id, sealed FROM intake_bodies WHERE ingest_id = $1 ORDER BY seq", {id}))
    out += keyring_->open(toStr(r[1]), toStr(r[2]), pieceContext(id, toInt(r[0])));
  return out;
}

int64_t IntakeQueue::waiting() {
  std::lock_guard lock(mutex_);
  const auto rows = db_->query(std::string("SELECT COUNT(*) FROM ingests WHERE ") + kWaiting);
  return rows.empty() ? 0 : toInt(rows[0][0]);
}

size_t IntakeQueue::dropStaleReceiving(int64_t before) {
  std::lock_guard lock(mutex_);
  Transaction tx(*db_);
  const auto rows = db_->query(std::string("SELECT id FROM ingests WHERE ") + kWaiting +
                                   " AND state = 'receiving' AND created_at < $1",
                               {before});
  for (const auto& r : rows) {
    db_->query("DELETE FROM intake_bodies WHERE ingest_id = $1", {toStr(r[0])});
    db_->query("DELETE FROM ingests WHERE id = $1", {toStr(r[0])});
  }
  tx.commit();
  return rows.size();
}

size_t IntakeQueue::rekey(RekeyCursor& cursor, size_t max) {
  std::lock_guard lock(mutex_);
  const std::string current = keyring_->currentKeyId();
  size_t resealed = 0, seen = 0;
  Transaction tx(*db_);
  for (const auto& r : db_->query(
           "SELECT ingest_id, seq, key_id, sealed FROM intake_bodies WHERE (ingest_id, seq) > ($1, $2) ORDER BY "
           "ingest_id, seq LIMIT $3",
           {cursor.ingest, cursor.seq, static_cast<int64_t>(max)})) {
    ++seen;
    cursor.ingest = toStr(r[0]);
    cursor.seq = toInt(r[1]);
    if (toStr(r[2]) == current) continue;
    const std::string context = pieceContext(cursor.ingest, cursor.seq);
    const std::string plain = keyring_->open(toStr(r[2]), toStr(r[3]), context);
    // A piece deleted meanwhile (its ingest done) is simply not there any more.
    db_->query("UPDATE intake_bodies SET key_id = $3, sealed = $4 WHERE ingest_id = $1 AND seq = $2",
               {cursor.ingest, cursor.seq, current, keyring_->seal(plain, context)});
    ++resealed;
  }
  cursor.done = seen < max;
  tx.commit();
  return resealed;
}

}  // namespace reghub::store
