#include "hub/store/schema.h"

#include "hub/store/detail_rule.h"

namespace reghub::store {

namespace {

std::string replaceAll(std::string s, const std::string& from, const std::string& to);

// Written once; {ID} and {APPEND_ONLY} differ between the dialects.
constexpr const char* kV1 = R"SQL(
CREATE TABLE messages (
  id {ID},
  registry TEXT NOT NULL,
  kind TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  cpr_hash TEXT NOT NULL,
  citizen_masked TEXT NOT NULL,
  forloeb_key TEXT NOT NULL,
  kommune TEXT NOT NULL,
  delivery_day TEXT NOT NULL,
  ingest_id TEXT,
  key_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  registry_id TEXT,
  last_status INTEGER,
  last_detail TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX messages_ready ON messages (state, next_at);
CREATE INDEX messages_key ON messages (registry, idem_key, state);
CREATE INDEX messages_forloeb ON messages (forloeb_key);
CREATE INDEX messages_cpr ON messages (cpr_hash);
CREATE INDEX messages_lease ON messages (lease_owner);
CREATE TABLE message_deps (
  message_id BIGINT NOT NULL REFERENCES messages (id),
  depends_on TEXT NOT NULL,
  PRIMARY KEY (message_id, depends_on)
);
CREATE INDEX message_deps_key ON message_deps (depends_on);
CREATE TABLE transitions (
  id {ID},
  message_id BIGINT NOT NULL REFERENCES messages (id),
  at BIGINT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  http_status INTEGER,
  registry_id TEXT,
  detail TEXT,
  actor TEXT NOT NULL
);
CREATE INDEX transitions_message ON transitions (message_id, id);
CREATE TABLE ingests (
  id TEXT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  source TEXT NOT NULL,
  citizens BIGINT NOT NULL,
  messages BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  warnings BIGINT NOT NULL,
  unreadable INTEGER NOT NULL
);
CREATE TABLE ingest_diagnostics (
  id {ID},
  ingest_id TEXT NOT NULL REFERENCES ingests (id),
  registry TEXT NOT NULL,
  severity TEXT NOT NULL,
  rule TEXT NOT NULL,
  key_id TEXT NOT NULL,
  sealed TEXT NOT NULL
);
CREATE INDEX ingest_diagnostics_ingest ON ingest_diagnostics (ingest_id);
CREATE INDEX ingest_diagnostics_rule ON ingest_diagnostics (registry, rule);
{APPEND_ONLY}
)SQL";

// Each citizen's latest inbound resources across documents and days
// (docs/STORE.md "Citizen state"). Every key is a keyed hash (a Patient id
// may well be a CPR number); every resource is sealed.
constexpr const char* kV3 = R"SQL(
CREATE TABLE citizens (
  citizen TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  dirty INTEGER NOT NULL,
  render_owner TEXT,
  render_until BIGINT,
  rendered_at BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL
);
CREATE INDEX citizens_dirty ON citizens (updated_at) WHERE dirty = 1;
CREATE TABLE citizen_patients (
  patient TEXT PRIMARY KEY,
  citizen TEXT NOT NULL
);
CREATE TABLE citizen_resources (
  res TEXT PRIMARY KEY,
  citizen TEXT,
  patient TEXT NOT NULL,
  parent TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  version BIGINT,
  body_hash TEXT NOT NULL,
  waiting_for TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  sealed TEXT NOT NULL
);
CREATE INDEX citizen_resources_citizen ON citizen_resources (citizen);
CREATE INDEX citizen_resources_parked_patient ON citizen_resources (patient) WHERE citizen IS NULL;
CREATE INDEX citizen_resources_parked_parent ON citizen_resources (parent) WHERE citizen IS NULL;
CREATE INDEX citizen_resources_parked_since ON citizen_resources (received_at) WHERE citizen IS NULL;
)SQL";

// A message whose predecessors are not all accepted is `blocked` (still
// state pending): claims read only the ready rows (messages_claimable), and
// accepting a message promotes its dependents in the same transaction
// (docs/STORE.md "Dependencies"). Waiting messages are marked once, here.
// messages_status: the status totals read an index, not the table.
constexpr const char* kV5 = R"SQL(
ALTER TABLE messages ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET blocked = 1 WHERE state IN ('pending', 'retry-wait') AND EXISTS (
  SELECT 1 FROM message_deps d WHERE d.message_id = messages.id AND NOT EXISTS (
    SELECT 1 FROM messages a WHERE a.registry = messages.registry AND a.idem_key = d.depends_on
    AND a.state = 'accepted'));
DROP INDEX messages_due;
CREATE INDEX messages_claimable ON messages (next_at, id) WHERE state IN ('pending', 'retry-wait') AND blocked = 0;
CREATE INDEX messages_blocked ON messages (id) WHERE blocked = 1;
CREATE INDEX messages_status ON messages (registry, kommune, state);
)SQL";

constexpr const char* kV12 = R"SQL(
CREATE INDEX messages_accepted_kommune ON messages (registry, kommune, updated_at) WHERE state = 'accepted';
CREATE INDEX messages_open_kommune ON messages (registry, kommune, created_at)
  WHERE state IN ('pending', 'sending', 'retry-wait', 'rejected', 'dead');
CREATE INDEX messages_ended ON messages (registry, state, updated_at) WHERE state IN ('rejected', 'dead');
CREATE INDEX messages_errors_since ON messages (updated_at, state) WHERE state IN ('rejected', 'dead');
CREATE INDEX messages_created ON messages (created_at, forloeb_key, state);
CREATE INDEX transitions_outcome ON transitions (at, to_state);
)SQL";

// An ingest that fails every time ends `failed` after intake.maxAttempts
// (its body kept, replayable), and what an ingest's render groups did is
// recorded with each group's completion, so an ingest tried again after a
// crash reports what every attempt queued (docs/STORE.md "Intake queue").
// messages_claimable_registry: a registry's delivery workers seek their own
// ready rows instead of walking past every other registry's (docs/PERFORMANCE.md).
constexpr const char* kV14 = R"SQL(
ALTER TABLE ingests ADD COLUMN failure TEXT;
CREATE INDEX ingests_failed ON ingests (created_at) WHERE state = 'failed';
CREATE TABLE ingest_progress (
  id {ID},
  ingest_id TEXT NOT NULL,
  citizens BIGINT NOT NULL,
  messages BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  sealed TEXT NOT NULL
);
CREATE INDEX ingest_progress_ingest ON ingest_progress (ingest_id, id);
CREATE INDEX messages_claimable_registry ON messages (registry, next_at, id)
  WHERE state IN ('pending', 'retry-wait') AND blocked = 0;
)SQL";

// A queued ingest's merge batches are progress too (their notices, once:
// a retry's merge of the same batch changes nothing and says nothing).
// messages_created and messages_errors_since (migration 12) go: the charts
// read DashboardStore's kommune indexes of migration 13, nothing reads them
// (StoreQueryPlanTest) and every write of a message paid for them.
// messages.last_rule: the rule a rejected or dead message is grouped under,
// derived by the store when it records the answer (detail_rule.h); the
// answer texts' counters of migration 13 are keyed by it (falling back to
// the text for a row that has none), a few rows per rule instead of one per
// text. Their triggers are dropped here, the rules of the messages already
// there derived (migration15Code), and the triggers and counts made again.
constexpr const char* kV15 = R"SQL(
ALTER TABLE ingest_progress ADD COLUMN merge_batch BIGINT;
ALTER TABLE messages ADD COLUMN last_rule TEXT;
DROP INDEX messages_created;
DROP INDEX messages_errors_since;
)SQL";

constexpr const char* kSqliteDropDetailTriggers = R"SQL(
DROP TRIGGER messages_detail_insert;
DROP TRIGGER messages_detail_update;
DROP TRIGGER messages_detail_delete;
)SQL";

constexpr const char* kPostgresDropDetailTriggers = R"SQL(
DROP TRIGGER messages_detail_insert ON messages;
DROP TRIGGER messages_detail_update ON messages;
)SQL";

// {DK:OLD} / {DK:NEW}: the counter key of a row (its rule, else its text).
constexpr const char* kSqliteRuleTriggers = R"SQL(
CREATE TRIGGER messages_detail_insert AFTER INSERT ON messages WHEN NEW.state IN ('rejected', 'dead') BEGIN
  INSERT INTO message_detail_counts (registry, kommune, state, detail_key, detail, n)
    VALUES (NEW.registry, NEW.kommune, NEW.state, {DK:NEW}, COALESCE(NEW.last_detail, ''), 1)
    ON CONFLICT (registry, kommune, state, detail_key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER messages_detail_update AFTER UPDATE OF state, last_detail, last_rule, registry, kommune ON messages
WHEN (OLD.state IN ('rejected', 'dead') OR NEW.state IN ('rejected', 'dead')) AND (OLD.state <> NEW.state
  OR OLD.last_detail IS NOT NEW.last_detail OR OLD.last_rule IS NOT NEW.last_rule OR OLD.registry <> NEW.registry
  OR OLD.kommune <> NEW.kommune) BEGIN
  UPDATE message_detail_counts SET n = n - 1 WHERE OLD.state IN ('rejected', 'dead') AND registry = OLD.registry
    AND kommune = OLD.kommune AND state = OLD.state AND detail_key = {DK:OLD};
  DELETE FROM message_detail_counts WHERE n = 0 AND registry = OLD.registry AND kommune = OLD.kommune
    AND state = OLD.state AND detail_key = {DK:OLD};
  INSERT INTO message_detail_counts (registry, kommune, state, detail_key, detail, n)
    SELECT NEW.registry, NEW.kommune, NEW.state, {DK:NEW}, COALESCE(NEW.last_detail, ''), 1
    WHERE NEW.state IN ('rejected', 'dead')
    ON CONFLICT (registry, kommune, state, detail_key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER messages_detail_delete AFTER DELETE ON messages WHEN OLD.state IN ('rejected', 'dead') BEGIN
  UPDATE message_detail_counts SET n = n - 1 WHERE registry = OLD.registry AND kommune = OLD.kommune
    AND state = OLD.state AND detail_key = {DK:OLD};
  DELETE FROM message_detail_counts WHERE n = 0 AND registry = OLD.registry AND kommune = OLD.kommune
    AND state = OLD.state AND detail_key = {DK:OLD};
END;
)SQL";

constexpr const char* kPostgresRuleTriggers = R"SQL(
CREATE OR REPLACE FUNCTION reghub_count_details() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state IN ('rejected', 'dead') THEN
    INSERT INTO message_detail_deltas (registry, kommune, state, detail_key, detail, n)
      VALUES (OLD.registry, OLD.kommune, OLD.state, {DK:OLD}, COALESCE(OLD.last_detail, ''), -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.state IN ('rejected', 'dead') THEN
    INSERT INTO message_detail_deltas (registry, kommune, state, detail_key, detail, n)
      VALUES (NEW.registry, NEW.kommune, NEW.state, {DK:NEW}, COALESCE(NEW.last_detail, ''), 1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_detail_insert AFTER INSERT OR DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION reghub_count_details();
CREATE TRIGGER messages_detail_update AFTER UPDATE OF state, last_detail, last_rule, registry, kommune ON messages
  FOR EACH ROW WHEN ((OLD.state IN ('rejected', 'dead') OR NEW.state IN ('rejected', 'dead')) AND
    (OLD.state <> NEW.state OR OLD.last_detail IS DISTINCT FROM NEW.last_detail
     OR OLD.last_rule IS DISTINCT FROM NEW.last_rule OR OLD.registry <> NEW.registry OR OLD.kommune <> NEW.kommune))
  EXECUTE FUNCTION reghub_count_details();
)SQL";

// The counters counted again by the new key, from the messages.
constexpr const char* kRuleRecount = R"SQL(
DELETE FROM message_detail_counts;
DELETE FROM message_detail_deltas;
INSERT INTO message_detail_counts (registry, kommune, state, detail_key, detail, n)
  SELECT registry, kommune, state, {DK:messages}, MIN(COALESCE(last_detail, '')), COUNT(*) FROM messages
  WHERE state IN ('rejected', 'dead') GROUP BY registry, kommune, state, {DK:messages};
)SQL";

std::string withDetailKeys(std::string sql, bool pg) {
  for (const char* row : {"OLD", "NEW", "messages"}) {
    const std::string text = std::string("COALESCE(") + row + ".last_rule, " + row + ".last_detail, '')";
    sql = replaceAll(sql, std::string("{DK:") + row + "}", pg ? "md5(" + text + ")" : text);
  }
  return sql;
}

// The audit trail is never rewritten: the database itself refuses.
constexpr const char* kSqliteAppendOnly = R"SQL(
CREATE TRIGGER transitions_no_update BEFORE UPDATE ON transitions
BEGIN SELECT RAISE(ABORT, 'transitions is an append-only audit trail'); END;
CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions
BEGIN SELECT RAISE(ABORT, 'transitions is an append-only audit trail'); END;
)SQL";

constexpr const char* kPostgresAppendOnly = R"SQL(
CREATE FUNCTION reghub_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'transitions is an append-only audit trail'; END $$;
CREATE TRIGGER transitions_no_change BEFORE UPDATE OR DELETE ON transitions
FOR EACH ROW EXECUTE FUNCTION reghub_append_only();
)SQL";

// What a registry holds, as its read service (SMDB HentData) returned it:
// the hub's picture of the registry. The fields and the CPR are sealed; the
// citizen is found by its keyed hash. A record no longer returned is kept
// with gone_at (tasks close on it).
constexpr const char* kV7 = R"SQL(
CREATE TABLE registry_records (
  registry TEXT NOT NULL,
  record_id TEXT NOT NULL,
  kommune TEXT NOT NULL,
  kind TEXT NOT NULL,
  parent_id TEXT,
  group_id TEXT,
  source_key TEXT,
  version INTEGER NOT NULL,
  cpr_hash TEXT,
  citizen_masked TEXT,
  key_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  gone_at BIGINT,
  PRIMARY KEY (registry, record_id)
);
CREATE INDEX registry_records_citizen ON registry_records (registry, cpr_hash);
CREATE INDEX registry_records_source ON registry_records (source_key);
CREATE INDEX registry_records_kommune ON registry_records (registry, kommune, gone_at);
CREATE TABLE registry_syncs (
  registry TEXT NOT NULL,
  kommune TEXT NOT NULL,
  at BIGINT NOT NULL,
  seen BIGINT NOT NULL,
  added BIGINT NOT NULL,
  changed BIGINT NOT NULL,
  gone BIGINT NOT NULL,
  foreign_records BIGINT NOT NULL,
  PRIMARY KEY (registry, kommune)
);
CREATE TABLE registry_tasks (
  task_key TEXT PRIMARY KEY,
  registry TEXT NOT NULL,
  kommune TEXT NOT NULL,
  kind TEXT NOT NULL,
  forloeb_key TEXT,
  citizen_masked TEXT,
  reason TEXT NOT NULL,
  steps TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  closed_at BIGINT
);
CREATE INDEX registry_tasks_open ON registry_tasks (registry, opened_at) WHERE closed_at IS NULL;
CREATE TABLE registry_lists (
  registry TEXT NOT NULL,
  list_name TEXT NOT NULL,
  fetched_at BIGINT NOT NULL,
  entries TEXT NOT NULL,
  PRIMARY KEY (registry, list_name)
);
)SQL";

// Who did what (issue 13 "Who may do what"): every ingest, replay and
// systemskifte names its client. Append-only like transitions, with a
// function of its own (migration 1's names transitions in its message).
constexpr const char* kV8 = R"SQL(
CREATE TABLE audit (
  id {ID},
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_at ON audit (at, id);
CREATE INDEX audit_actor ON audit (actor, at);
ALTER TABLE ingests ADD COLUMN actor TEXT;
CREATE INDEX ingests_actor ON ingests (actor, id);
{AUDIT_APPEND_ONLY}
)SQL";

constexpr const char* kSqliteAuditAppendOnly = R"SQL(
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is an append-only audit trail'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is an append-only audit trail'); END;
)SQL";

constexpr const char* kPostgresAuditAppendOnly = R"SQL(
CREATE FUNCTION reghub_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit is an append-only audit trail'; END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
FOR EACH ROW EXECUTE FUNCTION reghub_audit_append_only();
)SQL";

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
  return s;
}

// Intake that answers at once (docs/STORE.md "Intake queue"): POST /fhir
// stores the body sealed in pieces and answers 202; an intake worker claims
// the ingest (a lease, like a message's), ingests it, and the transaction
// that records it done deletes the body. Rows written before are done.
constexpr const char* kV10 = R"SQL(
ALTER TABLE ingests ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
ALTER TABLE ingests ADD COLUMN content_type TEXT;
ALTER TABLE ingests ADD COLUMN scope TEXT;
ALTER TABLE ingests ADD COLUMN refused TEXT;
ALTER TABLE ingests ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ingests ADD COLUMN lease_owner TEXT;
ALTER TABLE ingests ADD COLUMN lease_until BIGINT;
CREATE INDEX ingests_waiting ON ingests (created_at) WHERE state IN ('receiving', 'queued', 'ingesting');
CREATE TABLE intake_bodies (
  ingest_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  key_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  PRIMARY KEY (ingest_id, seq)
);
)SQL";

// Counts kept by the database (docs/STORE.md "Counts"): a trigger on every
// insert, state change and delete of a message, in that statement's
// transaction, so no code path can forget one. SQLite has one writer at a
// time and adds to message_counts directly. On PostgreSQL many workers'
// transactions would queue behind — and deadlock on — the same hot counter
// rows, so each change is appended to message_count_deltas (no row is
// shared) and DeliveryStore::foldCounts adds them into message_counts now
// and then; readers add the two.
constexpr const char* kV11Tables = R"SQL(
CREATE TABLE message_counts (
  registry TEXT NOT NULL,
  kommune TEXT NOT NULL,
  state TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (registry, kommune, state)
);
CREATE TABLE message_count_deltas (
  id {ID},
  registry TEXT NOT NULL,
  kommune TEXT NOT NULL,
  state TEXT NOT NULL,
  n BIGINT NOT NULL
);
)SQL";

// The first count, taken after the triggers exist and (PostgreSQL) with the
// messages locked against writers until the migration commits: a process
// of the older release still writing during a rolling upgrade either
// committed before the lock (counted) or writes after it (its trigger counts).
constexpr const char* kV11FirstCount = R"SQL(
INSERT INTO message_counts (registry, kommune, state, n)
  SELECT registry, kommune, state, COUNT(*) FROM messages GROUP BY registry, kommune, state;
)SQL";

// SHARE ROW EXCLUSIVE: waits for every open write on messages, and lets no
// new one in until the migration's transaction ends (reads go on).
constexpr const char* kPostgresLockMessages = "LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE;\n";

constexpr const char* kSqliteCountTriggers = R"SQL(
CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
  INSERT INTO message_counts (registry, kommune, state, n) VALUES (NEW.registry, NEW.kommune, NEW.state, 1)
    ON CONFLICT (registry, kommune, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER messages_count_update AFTER UPDATE OF state ON messages WHEN OLD.state <> NEW.state BEGIN
  UPDATE message_counts SET n = n - 1 WHERE registry = OLD.registry AND kommune = OLD.kommune AND state = OLD.state;
  INSERT INTO message_counts (registry, kommune, state, n) VALUES (NEW.registry, NEW.kommune, NEW.state, 1)
    ON CONFLICT (registry, kommune, state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
  UPDATE message_counts SET n = n - 1 WHERE registry = OLD.registry AND kommune = OLD.kommune AND state = OLD.state;
END;
)SQL";

constexpr const char* kPostgresCountTriggers = R"SQL(
CREATE FUNCTION reghub_count_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO message_count_deltas (registry, kommune, state, n) VALUES (OLD.registry, OLD.kommune, OLD.state, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO message_count_deltas (registry, kommune, state, n) VALUES (NEW.registry, NEW.kommune, NEW.state, 1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_count_insert AFTER INSERT OR DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION reghub_count_messages();
CREATE TRIGGER messages_count_update AFTER UPDATE OF state ON messages
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION reghub_count_messages();
)SQL";

// The dashboard's periods (docs/STORE.md "Dashboard periods"): a closed
// day's outcomes and a closed month's completeness per kommune are kept as
// rows (dashboard_periods), computed once; each kept period has a span
// (its UTC bounds), and a change to the messages or transitions inside a
// span appends a mark to dashboard_stale (append-only: no row shared by
// writers), after which the next read computes the period again. Indexes
// with the kommune for the charts of a kommune-scoped client. Who closed a
// manual task by hand.
constexpr const char* kV13Tables = R"SQL(
CREATE TABLE dashboard_spans (
  kind TEXT NOT NULL,
  period BIGINT NOT NULL,
  starts BIGINT NOT NULL,
  ends BIGINT NOT NULL,
  computed_at BIGINT NOT NULL,
  PRIMARY KEY (kind, period)
);
CREATE INDEX dashboard_spans_ends ON dashboard_spans (kind, ends);
CREATE TABLE dashboard_periods (
  kind TEXT NOT NULL,
  period BIGINT NOT NULL,
  kommune TEXT NOT NULL,
  state TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (kind, period, kommune, state)
);
CREATE TABLE dashboard_stale (
  id {ID},
  kind TEXT NOT NULL,
  period BIGINT NOT NULL
);
CREATE INDEX dashboard_stale_period ON dashboard_stale (kind, period);
CREATE INDEX messages_created_kommune ON messages (created_at, kommune, forloeb_key, state);
CREATE INDEX messages_errors_kommune ON messages (updated_at, state, kommune) WHERE state IN ('rejected', 'dead');
ALTER TABLE registry_tasks ADD COLUMN closed_by TEXT;
CREATE INDEX registry_tasks_closed ON registry_tasks (closed_at) WHERE closed_at IS NOT NULL;
)SQL";

// A mark for the kept period of `kind` that holds the time {AT}, once.
constexpr const char* kDashboardMark =
    "INSERT INTO dashboard_stale (kind, period) SELECT s.kind, s.period FROM dashboard_spans s WHERE s.kind = '{KIND}' "
    "AND s.ends > {AT} AND s.starts <= {AT} AND NOT EXISTS (SELECT 1 FROM dashboard_stale d WHERE d.kind = s.kind "
    "AND d.period = s.period);";

// A message counts for completeness by its month of creation, kommune and
// forløb, and by whether it is accepted (or superseded); a transition to an
// outcome for its day.
constexpr const char* kSqliteDashboardTriggers = R"SQL(
CREATE TRIGGER messages_dashboard_insert AFTER INSERT ON messages BEGIN
  {MARK month NEW.created_at}
END;
CREATE TRIGGER messages_dashboard_update AFTER UPDATE OF state, kommune, forloeb_key, created_at ON messages
WHEN (OLD.state IN ('accepted', 'superseded')) <> (NEW.state IN ('accepted', 'superseded'))
  OR OLD.kommune <> NEW.kommune OR OLD.forloeb_key <> NEW.forloeb_key OR OLD.created_at <> NEW.created_at BEGIN
  {MARK month OLD.created_at}
  {MARK month NEW.created_at}
END;
CREATE TRIGGER messages_dashboard_delete AFTER DELETE ON messages BEGIN
  {MARK month OLD.created_at}
END;
CREATE TRIGGER transitions_dashboard AFTER INSERT ON transitions
WHEN NEW.to_state IN ('accepted', 'rejected', 'dead') BEGIN
  {MARK day NEW.at}
END;
)SQL";

constexpr const char* kPostgresDashboardTriggers = R"SQL(
CREATE FUNCTION reghub_dashboard_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {MARK month OLD.created_at}
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    {MARK month NEW.created_at}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_dashboard_insert AFTER INSERT OR DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION reghub_dashboard_messages();
CREATE TRIGGER messages_dashboard_update AFTER UPDATE OF state, kommune, forloeb_key, created_at ON messages
  FOR EACH ROW WHEN ((OLD.state IN ('accepted', 'superseded')) <> (NEW.state IN ('accepted', 'superseded'))
    OR OLD.kommune <> NEW.kommune OR OLD.forloeb_key <> NEW.forloeb_key OR OLD.created_at <> NEW.created_at)
  EXECUTE FUNCTION reghub_dashboard_messages();
CREATE FUNCTION reghub_dashboard_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {MARK day NEW.at}
  RETURN NULL;
END $$;
CREATE TRIGGER transitions_dashboard AFTER INSERT ON transitions
  FOR EACH ROW WHEN (NEW.to_state IN ('accepted', 'rejected', 'dead')) EXECUTE FUNCTION reghub_dashboard_transitions();
)SQL";

// The rejected and dead messages per registry × kommune × state × answer
// text, kept like message_counts (migration 11): GET /status's and the
// dashboard's problems by rule read a few rows per rule instead of every
// rejected message. detail_key is the text itself on SQLite, its md5 on
// PostgreSQL (whose index rows cannot hold a long text).
constexpr const char* kV13DetailTables = R"SQL(
CREATE TABLE message_detail_counts (
  registry TEXT NOT NULL,
  kommune TEXT NOT NULL,
  state TEXT NOT NULL,
  detail_key TEXT NOT NULL,
  detail TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (registry, kommune, state, detail_key)
);
CREATE TABLE message_detail_deltas (
  id {ID},
  registry TEXT NOT NULL,
  kommune TEXT NOT NULL,
  state TEXT NOT NULL,
  detail_key TEXT NOT NULL,
  detail TEXT NOT NULL,
  n BIGINT NOT NULL
);
INSERT INTO message_detail_counts (registry, kommune, state, detail_key, detail, n)
  SELECT registry, kommune, state, {KEY}(COALESCE(last_detail, '')), COALESCE(last_detail, ''), COUNT(*) FROM messages
  WHERE state IN ('rejected', 'dead') GROUP BY registry, kommune, state, COALESCE(last_detail, '');
)SQL";

constexpr const char* kSqliteDetailTriggers = R"SQL(
CREATE TRIGGER messages_detail_insert AFTER INSERT ON messages WHEN NEW.state IN ('rejected', 'dead') BEGIN
  INSERT INTO message_detail_counts (registry, kommune, state, detail_key, detail, n)
    VALUES (NEW.registry, NEW.kommune, NEW.state, COALESCE(NEW.last_detail, ''), COALESCE(NEW.last_detail, ''), 1)
    ON CONFLICT (registry, kommune, state, detail_key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER messages_detail_update AFTER UPDATE OF state, last_detail, registry, kommune ON messages
WHEN (OLD.state IN ('rejected', 'dead') OR NEW.state IN ('rejected', 'dead')) AND (OLD.state <> NEW.state
  OR OLD.last_detail IS NOT NEW.last_detail OR OLD.registry <> NEW.registry OR OLD.kommune <> NEW.kommune) BEGIN
  UPDATE message_detail_counts SET n = n - 1 WHERE OLD.state IN ('rejected', 'dead') AND registry = OLD.registry
    AND kommune = OLD.kommune AND state = OLD.state AND detail_key = COALESCE(OLD.last_detail, '');
  DELETE FROM message_detail_counts WHERE n = 0 AND registry = OLD.registry AND kommune = OLD.kommune
    AND state = OLD.state AND detail_key = COALESCE(OLD.last_detail, '');
  INSERT INTO message_detail_counts (registry, kommune, state, detail_key, detail, n)
    SELECT NEW.registry, NEW.kommune, NEW.state, COALESCE(NEW.last_detail, ''), COALESCE(NEW.last_detail, ''), 1
    WHERE NEW.state IN ('rejected', 'dead')
    ON CONFLICT (registry, kommune, state, detail_key) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER messages_detail_delete AFTER DELETE ON messages WHEN OLD.state IN ('rejected', 'dead') BEGIN
  UPDATE message_detail_counts SET n = n - 1 WHERE registry = OLD.registry AND kommune = OLD.kommune
    AND state = OLD.state AND detail_key = COALESCE(OLD.last_detail, '');
  DELETE FROM message_detail_counts WHERE n = 0 AND registry = OLD.registry AND kommune = OLD.kommune
    AND state = OLD.state AND detail_key = COALESCE(OLD.last_detail, '');
END;
)SQL";

constexpr const char* kPostgresDetailTriggers = R"SQL(
CREATE FUNCTION reghub_count_details() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state IN ('rejected', 'dead') THEN
    INSERT INTO message_detail_deltas (registry, kommune, state, detail_key, detail, n)
      VALUES (OLD.registry, OLD.kommune, OLD.state, md5(COALESCE(OLD.last_detail, '')), COALESCE(OLD.last_detail, ''), -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.state IN ('rejected', 'dead') THEN
    INSERT INTO message_detail_deltas (registry, kommune, state, detail_key, detail, n)
      VALUES (NEW.registry, NEW.kommune, NEW.state, md5(COALESCE(NEW.last_detail, '')), COALESCE(NEW.last_detail, ''), 1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_detail_insert AFTER INSERT OR DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION reghub_count_details();
CREATE TRIGGER messages_detail_update AFTER UPDATE OF state, last_detail, registry, kommune ON messages
  FOR EACH ROW WHEN ((OLD.state IN ('rejected', 'dead') OR NEW.state IN ('rejected', 'dead')) AND
    (OLD.state <> NEW.state OR OLD.last_detail IS DISTINCT FROM NEW.last_detail OR OLD.registry <> NEW.registry
     OR OLD.kommune <> NEW.kommune))
  EXECUTE FUNCTION reghub_count_details();
)SQL";

// {MARK kind time} → the mark statement.
std::string withMarks(std::string sql) {
  for (size_t at = sql.find("{MARK "); at != std::string::npos; at = sql.find("{MARK ", at)) {
    const size_t end = sql.find('}', at);
    const std::string args = sql.substr(at + 6, end - at - 6);
    const size_t space = args.find(' ');
    std::string mark = replaceAll(kDashboardMark, "{KIND}", args.substr(0, space));
    sql.replace(at, end - at + 1, replaceAll(mark, "{AT}", args.substr(space + 1)));
  }
  return sql;
}

// Migration 15's code: each rejected or dead message's rule from its answer
// text (as the store derives it from now on), then the triggers and counts.
void deriveRulesAndRecount(SqlDb& db, bool pg) {
  for (const auto& r : db.query("SELECT id, state, COALESCE(last_detail, '') FROM messages WHERE state IN "
                                "('rejected', 'dead')")) {
    const auto state = parseMessageState(r.at(1).value_or(""));
    if (!state) continue;
    if (const auto rule = detailRule(*state, r.at(2).value_or("")))
      db.query("UPDATE messages SET last_rule = $2 WHERE id = $1", {std::stoll(r.at(0).value_or("0")), *rule});
  }
  db.script(withDetailKeys(pg ? kPostgresRuleTriggers : kSqliteRuleTriggers, pg) + withDetailKeys(kRuleRecount, pg));
}

}  // namespace

std::vector<Migration> migrations(Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  std::string v1 = replaceAll(kV1, "{ID}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  v1 = replaceAll(v1, "{APPEND_ONLY}", pg ? kPostgresAppendOnly : kSqliteAppendOnly);
  std::string v8 = replaceAll(kV8, "{ID}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  v8 = replaceAll(v8, "{AUDIT_APPEND_ONLY}", pg ? kPostgresAuditAppendOnly : kSqliteAuditAppendOnly);
  const std::string v11 = std::string(pg ? kPostgresLockMessages : "") +
                          replaceAll(kV11Tables, "{ID}", pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT") +
                          (pg ? kPostgresCountTriggers : kSqliteCountTriggers) + kV11FirstCount;
  const char* id = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  // Its first fill of the answer texts' counters under the lock migration 11
  // takes: a write of an older release during a rolling upgrade is either in
  // it or after it (counted by the triggers).
  const std::string v13 = std::string(pg ? kPostgresLockMessages : "") + replaceAll(kV13Tables, "{ID}", id) +
                          withMarks(pg ? kPostgresDashboardTriggers : kSqliteDashboardTriggers) +
                          replaceAll(replaceAll(kV13DetailTables, "{ID}", id), "{KEY}", pg ? "md5" : "") +
                          (pg ? kPostgresDetailTriggers : kSqliteDetailTriggers);
  const std::string v14 = replaceAll(kV14, "{ID}", id);
  // Written while the old triggers are gone: a write of an older release in
  // a rolling upgrade waits for the lock (PostgreSQL) and is counted after.
  const std::string v15 = std::string(pg ? kPostgresLockMessages : "") + kV15 +
                          (pg ? kPostgresDropDetailTriggers : kSqliteDropDetailTriggers);
  return {
      {1, "messages, dependencies, append-only transitions, ingests", v1},
      // Claims walk the due messages in order without sorting the backlog.
      {2, "partial index of waiting messages by due time",
       "CREATE INDEX messages_due ON messages (next_at, id) WHERE state IN ('pending', 'retry-wait')"},
      {3, "citizen state: each citizen's latest resources, parked resources, dirty citizens", kV3},
      // lastContentHash/registryId look a key up across registries (render
      // asks per message): without it every lookup scanned the messages.
      {4, "index of messages by idempotency key", "CREATE INDEX messages_idem ON messages (idem_key, id)"},
      {5, "blocked: a message waiting for a predecessor is no claim candidate; status index", kV5},
      // A known value sealed with the store's key and hashed with its lookup
      // key: a wrong key is found at start-up, not as silence later.
      {6, "key canary",
       "CREATE TABLE store_canary (id INTEGER PRIMARY KEY, key_id TEXT NOT NULL, sealed TEXT NOT NULL, "
       "lookup TEXT NOT NULL)"},
      {7, "registry mirror: the records a registry holds (read back from it), syncs, manual tasks, reference lists",
       kV7},
      {8, "audit trail of who did what (append-only); the client of each ingest", v8},
      // Per-registry health (/health, /metrics): the last accepted message
      // and the oldest waiting one, each read from the end of an index.
      {9, "indexes for per-registry health: last accepted, oldest waiting",
       "CREATE INDEX messages_accepted_at ON messages (registry, updated_at) WHERE state = 'accepted';\n"
       "CREATE INDEX messages_waiting_since ON messages (registry, created_at) WHERE state IN ('pending', "
       "'sending', 'retry-wait')"},
      {10, "intake queue: ingests queued -> ingesting -> done, their bodies sealed until ingested", kV10},
      {11, "message counts per registry x kommune x state, kept by triggers", v11},
      // The dashboard (issue 15): each registry × kommune's last accepted
      // and oldest open message (traffic lights), a rule's ended messages,
      // outcomes per day and completeness per month — every page reads an
      // index range, not the messages.
      {12, "indexes for the dashboard: deadlines, rule cases, charts", kV12},
      {13, "dashboard periods kept as rows, marked stale by triggers; kommune indexes for the charts; who closed a task; "
           "rejected and dead messages counted by answer text",
       v13},
      {14, "failed ingests (an attempt cap), an ingest's progress across attempts, a claim index per registry", v14},
      {15, "a queued ingest's merge batches recorded with its progress; the answer texts' counters keyed by rule", v15,
       [pg](SqlDb& db) { deriveRulesAndRecount(db, pg); }},
  };
}

}  // namespace reghub::store
