#pragma once
// The delivery store (ARCHITECTURE.md "Delivery tracking"): every rendered
// message is stored before it is sent, and every state change is appended
// to an audit trail that is never rewritten (the database refuses UPDATE
// and DELETE on it).
//
// One schema on SQLite (embedded, WAL, file mode 0600) and PostgreSQL
// (many workers claim with FOR UPDATE SKIP LOCKED); versioned migrations
// are applied on open. Personal data (CPR, message bodies with names) is
// sealed with AES-256-GCM (Keyring); CPR lookups go through a keyed hash.
//
// Thread-safe: one connection per DeliveryStore, calls serialised by a
// mutex. Every call does I/O and throws StoreError on database failure.
// Times are milliseconds since the Unix epoch, passed in by the caller so
// tests and replays are deterministic.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/diag/diagnostic.h"
#include "hub/delivery/outbound_message.h"
#include "hub/store/keyring.h"
#include "hub/store/message_state.h"
#include "hub/store/sql_db.h"

namespace reghub::store {

int64_t nowMillis();

enum class EnqueueOutcome { kQueued, kUnchanged, kReplacedPending };

// One message of a batch and when it may first be sent (0: at once).
struct ToEnqueue {
  delivery::OutboundMessage message;
  int64_t notBefore = 0;
};

struct EnqueueResult {
  EnqueueOutcome outcome = EnqueueOutcome::kQueued;
  int64_t id = 0;  // the stored message (the existing one when unchanged)
  // Unchanged, and the stored message was queued under the same ingest id
  // (an earlier attempt of a queued ingest queued it before it died).
  bool sameIngest = false;
};

// A message handed to a worker: state `sending`, leased to it until
// leaseUntil. `attempt` counts this attempt (1 = first).
struct ClaimedMessage {
  int64_t id = 0;
  int attempt = 0;
  bool sentBefore = false;  // sentBefore() as it was when claimed (an earlier hand-over of the key)
  delivery::OutboundMessage message;  // decrypted
};

// The outcome of one attempt as the engine decided it (the retry policy
// picks retry-wait or dead; the adapter classified the answer).
struct AttemptOutcome {
  MessageState next = MessageState::kAccepted;  // accepted|rejected|retry-wait|dead|pending
  int64_t nextAt = 0;                           // retry-wait: when to try again
  int httpStatus = 0;
  std::string registryId;
  std::string detail;
};

struct Transition {
  int64_t messageId = 0;
  int64_t at = 0;
  std::string registry, kind, idempotencyKey, forloebKey, citizenMasked;
  std::optional<MessageState> from;
  MessageState to = MessageState::kPending;
  int attempt = 0;
  int httpStatus = 0;
  std::string registryId, detail, actor;
  std::string kommune;  // the message's (a kommune-scoped reader sees only its own)
};

struct StateCount {
  std::string registry, kommune;
  MessageState state = MessageState::kPending;
  int64_t count = 0;
};

struct RejectionGroup {
  std::string registry;
  // "registry" (the registry rejected it), "dead" (given up), or
  // "validation" (a hub/adapter rule stopped it before sending).
  std::string source;
  // The rule id (from the registry's answer when it names one, else its
  // first line), or why it is dead.
  std::string rule;
  std::string severity;
  int64_t count = 0;
};

struct ReplayFilter {
  MessageState state = MessageState::kDead;  // dead or rejected
  std::string registry;                      // empty = all
  std::optional<int64_t> since;              // only messages that ended at/after this time
  std::vector<std::string> kommuner;         // only these kommuner (a kommune-scoped client); empty = all
};

struct IngestRecord {
  std::string id;
  int64_t createdAt = 0;
  std::string source;  // file name or "http"
  int64_t citizens = 0, messages = 0, errors = 0, warnings = 0;
  bool unreadable = false;
  std::string actor;  // who sent it: the API client's name, or "cli:<user>"
  // "queued" (POST /fhir stored its body) → "ingesting" (an intake worker
  // has it) → "done"; "receiving" while a large body is still streamed in.
  std::string state = "done";
  // Not empty: the sender may not send this (outside its kommuner), found by
  // the intake worker; nothing of it was stored.
  std::string refused = {};
  int64_t attempts = 0;      // a queued ingest's claims so far
  std::string failure = {};  // state "failed": why it was given up (intake.maxAttempts)
};

// An ingest given up after its last attempt (state failed), its body kept.
struct FailedIngest {
  std::string id, source, actor, failure;
  int64_t createdAt = 0;
  int64_t attempts = 0;
};

// What the render groups of a queued ingest recorded as each completed
// (CitizenState::endRenders), over all its attempts.
struct IngestProgress {
  int64_t citizens = 0, messages = 0;
  std::vector<diag::Diagnostic> diagnostics;  // in the order the groups completed
};

// One row of the audit trail: who did what, when (append-only).
struct AuditEntry {
  int64_t at = 0;
  std::string actor, action, detail;
};

// When one registry × kommune last had a message accepted, and since when
// its oldest message not delivered (waiting, rejected or dead) exists.
struct DeliveryMarks {
  std::optional<int64_t> lastAccepted, oldestOpen;
};

// One message or validation problem under a rule (the dashboard's "why not
// delivered" list). Validation problems carry no kommune and no state.
struct RuleCase {
  std::string registry, kommune, forloebKey, citizenMasked, kind, field, detail;
  std::string ingestId;  // a validation problem's ingest (its forløb has no messages to show)
  std::optional<MessageState> state;
  int64_t at = 0;
};

// Messages of one day (or week) by the state they reached.
struct PeriodCount {
  int64_t period = 0;  // days (or weeks) since the epoch, in the caller's offset
  MessageState state = MessageState::kAccepted;
  int64_t count = 0;
};

// Of the forløb with a message created in a month, how many have every
// message accepted (or superseded).
struct MonthCompleteness {
  int year = 0, month = 0;
  int64_t forloeb = 0, complete = 0;
};

class StatementLog;

struct StoreOptions {
  StoreOptions() = default;
  StoreOptions(std::string u, std::shared_ptr<const Keyring> k, SqliteSettings s = {})
      : url(std::move(u)), keyring(std::move(k)), sqlite(s) {}
  std::string url;  // sqlite:/path, a plain path, or postgresql://…
  std::shared_ptr<const Keyring> keyring;
  SqliteSettings sqlite;
  // Tests: every statement the store's connections run (statement_log.h).
  std::shared_ptr<StatementLog> statementLog;
};

// A connection as `options` say (DeliveryStore and CitizenState each own one).
std::unique_ptr<SqlDb> openStoreDatabase(const StoreOptions& options);

class DeliveryStore final {
 public:
  // Opens (creating if needed) and migrates. Throws StoreError/KeyError.
  static std::unique_ptr<DeliveryStore> open(const StoreOptions& options);
  ~DeliveryStore();

  Dialect dialect() const { return dialect_; }
  // What it was opened with (CitizenState opens a connection of its own).
  const StoreOptions& options() const { return options_; }
  int schemaVersion();
  // Opens the store's key canary (written on the first open): throws
  // KeyError when the configured keys are not the ones its data were
  // written with (store.key / store.retiredKeys, store.lookupKey). open()
  // checks it; /health asks again.
  void checkKeys();

  // Stores a rendered message as `pending` unless the latest message with
  // the same registry + idempotency key has the same content hash. A newer
  // content replaces older ones still waiting (they become `superseded`).
  // `notBefore` > now holds it back until then (scheduled daily delivery).
  EnqueueResult enqueue(const delivery::OutboundMessage& message, const std::string& ingestId, int64_t now,
                        int64_t notBefore = 0);
  // enqueue() for many in one transaction (an ingest queues a group of
  // citizens at once: one commit, not one per message). In order: a later
  // content for the same key replaces an earlier one of the same batch.
  std::vector<EnqueueResult> enqueueBatch(const std::vector<ToEnqueue>& batch, const std::string& ingestId,
                                          int64_t now);

  // Up to `max` messages that are due, whose dependencies are accepted and
  // whose key is not in flight elsewhere; moves them to `sending`, leased
  // to `worker` until now + leaseMillis. Safe across processes.
  std::vector<ClaimedMessage> claim(size_t max, const std::string& worker, int64_t now, int64_t leaseMillis,
                                    const std::string& registry = {});

  // Records the outcome of an attempt. False if the lease was lost (the
  // message was recovered by another worker meanwhile): nothing recorded.
  bool complete(const ClaimedMessage& claimed, const std::string& worker, const AttemptOutcome& outcome,
                int64_t now);
  // complete() for many in one transaction (fewer commits); returns how
  // many were recorded, and which in `recorded` when given.
  size_t completeBatch(const std::vector<std::pair<ClaimedMessage, AttemptOutcome>>& items,
                       const std::string& worker, int64_t now, std::vector<bool>* recorded = nullptr);

  // `sending` whose lease ran out (the worker died) → `pending`; sent again
  // later with the same idempotency key. Returns how many.
  size_t recoverExpiredLeases(int64_t now);
  // Graceful shutdown: this worker's claims → `pending`.
  size_t releaseClaims(const std::string& worker, int64_t now);
  // Waiting messages whose dependency ended rejected/dead (and has no newer
  // version on the way) → `dead` with the reason.
  size_t failBlockedDependents(int64_t now);
  // rejected/dead → pending (attempts start again), recorded in the audit
  // trail as `actor`'s replay. Returns how many.
  size_t replay(const ReplayFilter& filter, const std::string& actor, int64_t now);

  // Status. The counts are read from counters the database keeps in the
  // transaction of every state change (migration 11), not by counting.
  std::vector<StateCount> counts(const std::string& registry = {}, const std::string& kommune = {});
  std::vector<RejectionGroup> rejections(const std::string& registry = {});
  // Registry rejections and dead messages of one kommune only (status for a
  // kommune, or a kommune-scoped client).
  std::vector<RejectionGroup> rejectionsIn(const std::string& registry, const std::string& kommune);
  // Validation problems of the ingests `actor` sent. Diagnostics carry no
  // kommune; a kommune-scoped client sees those of its own ingests (it can
  // send only its kommuner' data).
  std::vector<RejectionGroup> validationProblemsOf(const std::string& registry, const std::string& actor);
  std::vector<Transition> historyForForloeb(const std::string& forloebKey);
  std::vector<Transition> historyForCpr(const std::string& cpr);
  std::vector<Transition> historyForMessage(int64_t id);
  // Per-registry health: when the registry last accepted a message, and
  // since when its oldest waiting message (pending, sending, retry-wait)
  // waits; nullopt when there is none.
  std::optional<int64_t> lastAccepted(const std::string& registry);
  std::optional<int64_t> oldestWaiting(const std::string& registry);
  // The dashboard (issue 15); each reads an index (migration 12), never the table.
  DeliveryMarks deliveryMarks(const std::string& registry, const std::string& kommune);
  // Up to `max` cases of one rule (RejectionGroup's registry/source/rule),
  // newest first. source "validation": the problems of ingests by `actor`
  // (empty: anyone's); else the messages of `kommuner` (empty: all).
  std::vector<RuleCase> casesOfRule(const std::string& registry, const std::string& source, const std::string& rule,
                                    const std::vector<std::string>& kommuner, const std::string& actor, size_t max);
  // How many messages each kommune has under one registry or dead rule
  // (source "registry" or "dead"), largest first.
  std::vector<std::pair<std::string, int64_t>> ruleByKommune(const std::string& registry, const std::string& source,
                                                             const std::string& rule);
  // (The charts over time: DashboardStore.)
  // Messages not yet final (pending, sending, retry-wait): intake backpressure.
  int64_t backlog();
  // PostgreSQL: adds the counters' deltas into the counters (readers add
  // both, so this only keeps the deltas few); one process at a time, the
  // others skip. SQLite: nothing to do. Returns the counters changed.
  size_t foldCounts();
  // Earliest next_at among waiting messages (for sleeping), if any.
  std::optional<int64_t> nextDue();
  std::optional<MessageState> stateOf(int64_t id);

  // Retention (`reghub prune`): the personal data of `registry`'s messages
  // accepted before `acceptedBefore` — the sealed body and CPR, the CPR's
  // lookup hash, the masked CPR — is removed; the rows stay (counts, states,
  // content hashes and registry ids for later updates, the transitions). An
  // audit entry records it. SQLite: deleted bytes are zeroed
  // (secure_delete), the WAL truncated and the file vacuumed, so the data is
  // not left in free pages; PostgreSQL: the table is vacuumed. Returns how
  // many messages were pruned.
  size_t prunePersonalData(const std::string& registry, int64_t acceptedBefore, const std::string& actor,
                           int64_t now);
  // Retention of ingest diagnostics (retention.ingestDiagnosticsDays): the
  // diagnostics of ingests made before `madeBefore` are deleted; the ingests'
  // rows and counts stay. Zeroed and vacuumed as above. How many.
  size_t pruneIngestDiagnostics(int64_t madeBefore);

  // Key rotation (`reghub rekey`, store_rekey.h): the next `max` messages,
  // ingest diagnostics and ingest progress rows after `cursor` (each table
  // walked by its primary key) are looked at; those
  // sealed under another key than the current one are opened
  // (store.retiredKeys) and sealed again with the current key, in one
  // transaction. Returns how many were re-sealed; `cursor` moves on and
  // `cursor.done` is set at the end. A killed rekey started again walks the
  // rows once more, re-sealing only what is left (resumable). The citizen
  // state has its own (CitizenState::rekey); the key canary moves on open.
  struct RekeyCursor {
    int64_t message = 0, diagnostic = 0, progress = 0;
    bool done = false;
  };
  size_t rekey(RekeyCursor& cursor, size_t max);

  // The audit trail (who ingested, replayed, ran a systemskifte): appended,
  // never changed (the database refuses UPDATE and DELETE). `detail` names
  // no person (digit runs are masked all the same).
  void recordAudit(const std::string& actor, const std::string& action, const std::string& detail, int64_t now);
  // Entries at or after `since`, oldest first, at most `max`.
  std::vector<AuditEntry> audit(int64_t since = 0, size_t max = 1000);

  // Ingests (HTTP intake, reghub ingest) and their diagnostics (sealed); the
  // ingest is also an audit entry (action "ingest"), in the same transaction.
  // An ingest queued by the intake (store/intake_queue.h) becomes `done` and
  // its sealed body is deleted in that transaction too.
  // With `leaseOwner` (a queued ingest's worker) the record is made only
  // while that worker still holds the ingest's lease: false, and nothing
  // recorded, when another claimed it meanwhile. The ingest's progress rows
  // (ingestProgress) are deleted in the same transaction.
  bool recordIngest(const IngestRecord& record, const std::vector<diag::Diagnostic>& diagnostics,
                    const std::string& leaseOwner = {});
  IngestProgress ingestProgress(const std::string& id);
  // Ingests given up (intake.maxAttempts), oldest first, at most `max`;
  // `actor` not empty: only that sender's.
  std::vector<FailedIngest> failedIngests(const std::string& actor = {}, size_t max = 100);
  // A failed ingest given up for good (`reghub replay --discard-ingest`):
  // its sealed body and progress rows deleted, its row kept as `discarded`
  // (GET /ingest/{id} says so), an audit entry by `actor` — one transaction.
  // False when `id` is no failed ingest (nothing changed).
  bool discardFailedIngest(const std::string& id, const std::string& actor, int64_t now);
  // Retention (retention.failedIngestDays, `reghub prune`): every failed
  // ingest posted before `postedBefore` discarded as above, one audit entry.
  // SQLite: deleted bytes zeroed, the WAL truncated. How many.
  size_t pruneFailedIngests(int64_t postedBefore, const std::string& actor, int64_t now);
  std::optional<IngestRecord> ingest(const std::string& id);
  std::vector<diag::Diagnostic> ingestDiagnostics(const std::string& id);

  // The latest content hash / registry id for a key (what the engine asks
  // through engine::StorePriorDeliveries: unchanged content is not resent).
  // With `exceptIngest`: none when that latest message was queued by that
  // ingest (a retried ingest's own earlier attempt is no prior delivery: the
  // adapters render it again, so the retry counts it as the ingest's).
  std::optional<std::string> lastContentHash(std::string_view idempotencyKey, const std::string& exceptIngest = {}) const;
  std::optional<std::string> registryId(std::string_view idempotencyKey) const;
  // Whether a message with this registry + key was handed to the registry
  // before the current claim (an earlier attempt, a message it superseded, a
  // replayed one): its answer may have been lost.
  bool sentBefore(const std::string& registry, std::string_view idempotencyKey) const;

 private:
  DeliveryStore(std::unique_ptr<SqlDb> db, std::shared_ptr<const Keyring> keyring);
  void migrate();
  EnqueueResult enqueueLocked(const delivery::OutboundMessage& m, const std::string& ingestId, int64_t now,
                              int64_t notBefore);
  void insertTransition(int64_t id, std::optional<MessageState> from, MessageState to, int attempt, int status,
                        const std::string& registryId, const std::string& detail, const std::string& actor,
                        int64_t now);
  bool completeLocked(const ClaimedMessage& claimed, const std::string& worker, const AttemptOutcome& outcome,
                      int64_t now);
  // After accepting (registry, key) pairs: their dependents whose
  // predecessors are all accepted now become claim candidates.
  void promoteDependents(std::vector<std::pair<std::string, std::string>> accepted);
  std::vector<Transition> history(const std::string& where, const std::vector<SqlParam>& params);
  // The 'sending' transitions of every message with this registry + key (caller holds the lock).
  int64_t handovers(const std::string& registry, std::string_view key) const;
  void recordAuditLocked(const std::string& actor, const std::string& action, const std::string& detail, int64_t now);
  // The failed ingests `ids` → discarded, their bodies and progress deleted; how many were failed.
  size_t discardLocked(const std::vector<std::string>& ids, int64_t* pieces);
  void addMessageGroups(const std::vector<SqlRow>& rows, std::vector<RejectionGroup>& out);

  std::unique_ptr<SqlDb> db_;
  std::shared_ptr<const Keyring> keyring_;
  StoreOptions options_;
  Dialect dialect_;
  mutable std::mutex mutex_;
};

// The sealed context of an ingest's progress rows (CitizenState writes
// them, DeliveryStore reads them).
std::string ingestProgressContext(const std::string& ingestId);

// Replaces every run of ten digits by its masked form (registry answers
// may echo a CPR; they are stored and shown only masked).
std::string maskDigitRuns(std::string text);

}  // namespace reghub::store
