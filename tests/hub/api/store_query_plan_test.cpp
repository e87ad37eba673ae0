// Every statement the store runs on the ingest, claim, delivery and status
// paths uses an index that fits it: a real ingest (synthetic citizens, every
// adapter) and a round of claims, outcomes and status queries run with a
// StatementLog, then each statement the log caught is EXPLAINed on the same
// database (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN with sequential
// scans disabled, the generic plan of a prepared statement and the custom
// plan of a per-call one). A full scan of a table fails the test, naming the
// statement — so a query added later cannot silently scan. A scan of a
// partial index (only the rows that matter: due, dirty, parked) is fine.
// The same file compiled twice (REGHUB_TEST_BACKEND_PG).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "hub/api/intake.h"
#include "hub/store/dashboard_store.h"
#include "hub/engine/adapter_registry.h"
#include "hub/store/statement_log.h"
#include "hub/store/store_rekey.h"
#include "tests/hub/store/store_backend.h"

namespace reghub::api {
namespace {

using store::SqlDb;
using store::SqlParam;

bool isPostgres() { return testing::StoreBackend::isPostgres(); }

// The full scans in one statement's plan ("" entries: none).
std::vector<std::string> fullScans(SqlDb& db, const store::LoggedStatement& s, int n) {
  std::vector<std::string> out;
  if (!isPostgres()) {
    static const std::regex scan(R"(^SCAN (TABLE )?(\w+)(.*)$)");
    std::set<std::string> partial;  // indexes with a WHERE: scanning one reads only its rows
    for (const auto& r : db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'"))
      partial.insert(r[0].value_or(""));
    // A search of the messages by registry alone reads every message of
    // that registry (how the dependents' promotion read them per accepted
    // message until its plan was fixed): a full scan too, unless the index is partial.
    static const std::regex byRegistryOnly(R"(^SEARCH (messages|m) USING (COVERING )?INDEX (\w+) \(registry=\?\)$)");
    for (const auto& row : db.query("EXPLAIN QUERY PLAN " + s.sql, s.params)) {
      const std::string detail = row.at(3).value_or("");
      std::smatch m;
      if (std::regex_match(detail, m, byRegistryOnly) && !partial.count(m[3])) {
        out.push_back(detail);
        continue;
      }
      if (!std::regex_match(detail, m, scan) || m[2] == "CONSTANT") continue;
      std::smatch idx;
      const std::string rest = m[3];
      if (std::regex_search(rest, idx, std::regex(R"(USING (COVERING )?INDEX (\w+))")) && partial.count(idx[2])) continue;
      out.push_back(detail);
    }
    return out;
  }
  std::vector<store::SqlRow> plan;
  if (s.planned) {
    plan = db.queryPlanned("EXPLAIN " + s.sql, s.params);
  } else {
    // What a prepared statement settles on after five runs.
    const std::string name = "plan_" + std::to_string(n);
    db.script("PREPARE " + name + " AS " + s.sql);
    std::string args;
    for (size_t i = 0; i < s.params.size(); ++i) args += (i ? ", NULL" : "NULL");
    plan = db.query("EXPLAIN EXECUTE " + name + (args.empty() ? "" : "(" + args + ")"));
    db.script("DEALLOCATE " + name);
  }
  std::set<std::string> partial;
  for (const auto& r : db.query("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE "
                                "'% WHERE %'"))
    partial.insert(r[0].value_or(""));
  // An index scan with neither an Index Cond nor a partial index reads the
  // whole index: a full scan too (what PostgreSQL does with seqscan off).
  static const std::regex indexScan(R"(^(\s*(->\s*)?)(Index|Index Only) Scan( Backward)? using (\w+) on)");
  for (size_t i = 0; i < plan.size(); ++i) {
    const std::string line = plan[i].at(0).value_or("");
    if (line.find("Seq Scan on") != std::string::npos) out.push_back(line);
    std::smatch m;
    if (!std::regex_search(line, m, indexScan) || partial.count(m[5])) continue;
    const size_t depth = line.find_first_not_of(" ->");
    bool cond = false;
    for (size_t j = i + 1; j < plan.size(); ++j) {
      const std::string next = plan[j].at(0).value_or("");
      if (next.find_first_not_of(' ') <= depth || next.find("->") != std::string::npos) break;
      if (next.find("Index Cond:") != std::string::npos) cond = true;
    }
    if (!cond) out.push_back(line);
  }
  return out;
}

// Statements whose plan is not a question of indexes.
bool planned(const std::string& sql) {
  return sql.rfind("SELECT pg_advisory", 0) != 0 && sql.find("reghub_schema") == std::string::npos;
}

// Statements that read a whole table on purpose, each with the reason. Keep
// this list short: every entry is a pass over all rows.
bool scansOnPurpose(const std::string& sql) {
  static const std::vector<std::string> allowed = {
      // `reghub status` / GET /status totals: a count per registry ×
      // kommune × state over every message, from the smallest index that
      // holds those columns (docs/PERFORMANCE.md: ms at 1,000,000 messages).
      "SELECT registry, kommune, state, COUNT(*) FROM messages",
      // The same totals from the counters (migration 11): a few rows per
      // registry × kommune × state, not one per message.
      "SELECT registry, kommune, state, SUM(n) FROM (SELECT registry, kommune, state, n FROM message_counts",
      "SELECT SUM(n) FROM (SELECT state, n FROM message_counts",
      // Folding the counters' deltas (PostgreSQL): every delta, each once.
      "WITH moved AS (DELETE FROM message_count_deltas",
      // The rejected and dead messages by answer text, from their counters
      // (migration 13): a few rows per rule; and their folding.
      "SELECT registry, state, detail, SUM(n) FROM (SELECT registry, kommune, state, detail_key, detail, n FROM "
      "message_detail_counts",
      "SELECT kommune, detail, SUM(n) FROM (SELECT registry, kommune, state, detail_key, detail, n FROM "
      "message_detail_counts",
      "WITH moved AS (DELETE FROM message_detail_deltas",
      // Migration 15, once: every rejected and dead message's rule derived.
      "SELECT id, state, COALESCE(last_detail, '') FROM messages WHERE state IN ('rejected', 'dead')",
      // Validation problems by rule, over every ingest's diagnostics.
      "SELECT registry, rule, severity, COUNT(*) FROM ingest_diagnostics",
      // The last sync per registry × kommune: one row each (98 kommuner at most per registry).
      "SELECT s.registry, s.kommune, s.at",
      // The whole task history (`tasks --all`), an operator's listing.
      "SELECT task_key, registry, kommune, kind, forloeb_key, citizen_masked, reason, steps, opened_at, closed_at "
      "FROM registry_tasks WHERE 1 = 1",
  };
  for (const auto& a : allowed)
    if (sql.rfind(a, 0) == 0) return true;
  return false;
}

class StoreQueryPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<testing::StoreBackend>(testing::currentTestName());
    log_ = std::make_shared<store::StatementLog>();
    store::StoreOptions options(backend_->url(), testing::testKeyring());
    options.statementLog = log_;
    store_ = store::DeliveryStore::open(options);
    plain_ = store::openDatabase(backend_->url());
    if (isPostgres()) plain_->script("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan");
  }
  // Each logged statement with the full scans in its plan.
  std::vector<std::string> scanningStatements() {
    std::vector<std::string> out;
    int n = 0;
    for (const auto& s : log_->statements()) {
      if (!planned(s.sql) || scansOnPurpose(s.sql)) continue;
      for (const auto& scan : fullScans(*plain_, s, ++n)) out.push_back(scan + "  <-  " + s.sql);
    }
    return out;
  }
  std::unique_ptr<testing::StoreBackend> backend_;
  std::shared_ptr<store::StatementLog> log_;
  std::unique_ptr<store::DeliveryStore> store_;
  std::unique_ptr<SqlDb> plain_;
};

// The ingest, a round of deliveries with every kind of outcome, and every
// status query.
void exercise(store::DeliveryStore& store, const std::string& input) {
  std::vector<std::shared_ptr<const engine::Adapter>> adapters;
  for (auto& a : engine::AdapterRegistry::createAll()) adapters.push_back(std::move(a));
  Intake intake(store, adapters);
  const auto r = intake.ingestPaths({input}, model::Date::parse("2026-11-01"));
  ASSERT_GT(r.queued, 10u);
  const int64_t now = store::nowMillis();
  auto claimed = store.claim(6, "w1", now, 60'000);
  ASSERT_GE(claimed.size(), 4u);
  const store::MessageState outcomes[] = {store::MessageState::kAccepted, store::MessageState::kRejected,
                                          store::MessageState::kRetryWait, store::MessageState::kDead};
  for (size_t i = 0; i < 4; ++i) {
    store::AttemptOutcome o;
    o.next = outcomes[i];
    o.httpStatus = i == 0 ? 200 : 400;
    o.registryId = i == 0 ? "R-1" : "";
    o.detail = "SMDB-ANM-02 test";
    o.nextAt = now + 10;
    store.complete(claimed[i], "w1", o, now);
  }
  std::vector<std::pair<store::ClaimedMessage, store::AttemptOutcome>> rest;
  for (size_t i = 4; i < claimed.size(); ++i) rest.push_back({claimed[i], store::AttemptOutcome{}});
  store.completeBatch(rest, "w1", now);
  auto more = store.claim(4, "w2", now + 20, 1);
  store.recoverExpiredLeases(now + 100);
  store.claim(2, "w3", now + 200, 60'000);
  store.claim(2, "w4", now + 250, 60'000, "smdb");  // a registry's own worker
  store.releaseClaims("w3", now + 300);
  store.failBlockedDependents(now + 400);
  store.replay({store::MessageState::kDead, "", std::nullopt, {}}, "test", now + 500);
  // A kommune-scoped operator's replay, status and problems; the audit trail.
  store.replay({store::MessageState::kRejected, "smdb", std::nullopt, {"0101", "0330"}}, "op1", now + 510);
  store.rejectionsIn("", "0101");
  store.rejectionsIn("smdb", "0330");
  store.validationProblemsOf("", "cli:test");
  store.validationProblemsOf("ltt", "intake1");
  store.recordAudit("admin1", "systemskifte", "test", now + 520);
  store.audit(now);
  store.lastAccepted("smdb");
  store.oldestWaiting("ltt");
  // The dashboard's deadlines, rule cases and charts (migration 12's indexes).
  store.deliveryMarks("smdb", "0101");
  store.casesOfRule("smdb", "registry", "SMDB-ANM-02", {}, "", 100);
  store.ruleByKommune("smdb", "registry", "SMDB-ANM-02");
  store.ruleByKommune("smdb", "dead", "a message it depends on ended rejected or dead");
  store.casesOfRule("smdb", "dead", "SMDB-ANM-02", {"0101"}, "", 100);
  store.casesOfRule("smdb", "validation", "SMDB-ANM-02", {}, "cli:test", 100);
  store.casesOfRule("smdb", "validation", "SMDB-ANM-02", {}, "", 100);
  // The charts: kept periods computed (each closed day and month) and read, for all and for some kommuner.
  auto dash = store::DashboardStore::open(store.options());
  const auto today = model::Date::fromDays(static_cast<int32_t>(now / 86'400'000));
  dash->outcomesPerDay(today.plusDays(-40), today, {});
  dash->outcomesPerDay(today.plusDays(-40), today, {"0101", "0330"});
  dash->completenessPerMonth(today.plusDays(-400), today, {});
  dash->completenessPerMonth(today.plusDays(-400), today, {"0101"});
  dash->openErrorsPerWeek(now - 84 * 86'400'000LL, 3'600'000, {});
  dash->openErrorsPerWeek(now - 84 * 86'400'000LL, 3'600'000, {"0101", "0330"});
  store.prunePersonalData("smdb", now - 86'400'000, "test", now + 530);
  store.counts();
  store.counts("smdb", "0101");
  store.foldCounts();
  // The intake queue: a posted body stored, claimed, ingested, done.
  auto queue = store::IntakeQueue::open(store.options());
  store::QueuedIngest q{"q-1", "http", "application/fhir+ndjson", "intake1", {"0101"}, now, 0};
  queue->enqueue(q, "{}", now);
  queue->begin({"q-2", "http", "application/fhir+ndjson", "intake1", {}, now, 0}, now);
  queue->append("q-2", 0, "{}");
  queue->release("q-2");
  queue->begin({"q-3", "http", "", "intake1", {}, now, 0}, now);
  queue->abandon("q-3");
  queue->waiting();
  queue->dropStaleReceiving(now - 1000);
  if (const auto claimedIngest = queue->claim("iw", now, 60'000)) {
    queue->renew(claimedIngest->id, "iw", now + 60'000);
    intake.ingestQueued(*claimedIngest, queue->body(claimedIngest->id));
    store.ingestProgress(claimedIngest->id);
  }
  // One given up (its attempts used up), listed, replayed; the bodies re-sealed.
  if (const auto claimedIngest = queue->claim("iw", now, 60'000, 1)) queue->fail(claimedIngest->id, "iw", "test");
  queue->claim("iw", now + 120'000, 60'000, 1);
  store.failedIngests();
  store.failedIngests("intake1");
  queue->replayFailed("q-2");
  queue->replayFailed();
  // One given up again and discarded; the retention's prune of failed ones.
  if (const auto claimedIngest = queue->claim("iw", now, 60'000, 1)) queue->fail(claimedIngest->id, "iw", "test");
  for (const auto& f : store.failedIngests()) store.discardFailedIngest(f.id, "test", now);
  store.pruneFailedIngests(now, "test", now);
  store::IntakeQueue::RekeyCursor bodies;
  while (!bodies.done) queue->rekey(bodies, 1);
  store::StoreRekey rekey(store);  // every sealed table's walk
  while (rekey.step(2)) {
  }
  store.rejections();
  store.historyForForloeb(claimed[0].message.forloebKey);
  store.historyForCpr(claimed[0].message.citizenCpr);
  store.historyForMessage(claimed[0].id);
  store.backlog();
  store.nextDue();
  store.stateOf(claimed[0].id);
  store.ingest(r.ingestId);
  store.ingestDiagnostics(r.ingestId);
  store.lastContentHash(claimed[0].message.idempotencyKey);
  store.registryId(claimed[0].message.idempotencyKey);
  store.sentBefore(claimed[0].message.registry, claimed[0].message.idempotencyKey);
  intake.parked(now);
  // What a sync writes and what status and rendering read back.
  store::RegistryMirror& mirror = intake.mirror();
  delivery::RegistryRecord rec;
  rec.registry = "smdb";
  rec.kommune = "0101";
  rec.recordId = "1";
  rec.kind = "ANM";
  rec.groupId = "1";
  rec.sourceKey = claimed[0].message.idempotencyKey;
  rec.citizenCpr = claimed[0].message.citizenCpr;
  std::set<std::string> touched;
  mirror.replace("smdb", "0101", {rec}, now, &touched);
  mirror.replace("smdb", "0101", {}, now + 1, &touched);
  mirror.replace("smdb", "0101", {rec}, now + 2, &touched);
  intake.markDirty(touched);
  mirror.forCitizen("smdb", rec.citizenCpr);
  mirror.idForSource(rec.sourceKey);
  mirror.records("smdb");
  mirror.records("smdb", "0101", true);
  mirror.syncs();
  mirror.syncs("smdb");
  delivery::ManualTask t;
  t.key = "smdb/slet/sag/1";
  t.registry = "smdb";
  t.kommune = "0101";
  t.kind = "slet";
  t.reason = "test";
  t.steps = {{"1", "ANM", "Slet anmodningen"}};
  mirror.openTask(t, now);
  mirror.tasks();
  mirror.tasks("smdb");
  mirror.tasks("smdb", true);
  mirror.closeDoneTasks("smdb", now);
  dash->closeTask(t.key, "dashboard:op", now + 3);
  dash->closedTasks(100);
  // A late change inside a kept month: its mark, then the month computed again.
  store::openDatabase(store.options().url)
      ->query("UPDATE messages SET created_at = $1 WHERE id = $2", {now - 40 * 86'400'000LL, claimed[0].id});
  dash->completenessPerMonth(today.plusDays(-400), today, {});
  // A kommune-scoped intake's check reads what the store holds of the
  // citizens a body touches (the same input again: every citizen is held).
  std::ifstream in(input);
  const std::string firstLines = [&] {
    std::string out, line;
    for (int i = 0; i < 40 && std::getline(in, line); ++i) out += line + "\n";
    return out;
  }();
  intake.ingestBuffer("http", firstLines, "application/fhir+ndjson", model::Date::parse("2026-11-01"),
                      {"scoped", {"0101"}});
}

TEST_F(StoreQueryPlanTest, IngestClaimAndStatusQueriesUseAnIndex) {
  testing::TempDir dir("reghub-plan");
  const std::string input = (dir.path() / "in.ndjson").string();
  ASSERT_EQ(std::system((std::string(REGHUB_BINARY) + " synth --citizens 40 --seed 3 --as-of 2026-11-01 --out '" +
                         input + "' >/dev/null 2>&1")
                            .c_str()),
            0);
  ASSERT_NO_FATAL_FAILURE(exercise(*store_, input));
  // The log caught the paths (not an empty pass).
  EXPECT_GT(log_->statements().size(), 30u);
  const auto scans = scanningStatements();
  for (const auto& s : scans) ADD_FAILURE() << "full scan: " << s;
}

// The claim reads only ready rows: the partial index of unblocked due
// messages, not one that holds the blocked ones too.
TEST_F(StoreQueryPlanTest, ClaimReadsOnlyReadyRows) {
  testing::TempDir dir("reghub-plan");
  const std::string input = (dir.path() / "in.ndjson").string();
  ASSERT_EQ(std::system((std::string(REGHUB_BINARY) + " synth --citizens 20 --seed 4 --as-of 2026-11-01 --out '" +
                         input + "' >/dev/null 2>&1")
                            .c_str()),
            0);
  ASSERT_NO_FATAL_FAILURE(exercise(*store_, input));
  int checked = 0;
  for (const auto& s : log_->statements()) {
    if (s.sql.find("m.blocked = 0 AND m.next_at <= $1") == std::string::npos) continue;  // the claim's
    std::string plan;
    const auto rows = isPostgres() ? plain_->queryPlanned("EXPLAIN " + s.sql, s.params)
                                   : plain_->query("EXPLAIN QUERY PLAN " + s.sql, s.params);
    for (const auto& r : rows) plan += (isPostgres() ? r.at(0) : r.at(3)).value_or("") + "\n";
    // A registry's worker seeks its own ready rows (migration 14), not past the other registries'.
    const bool perRegistry = s.sql.find("m.registry = $2") != std::string::npos;
    EXPECT_NE(plan.find(perRegistry ? "messages_claimable_registry" : "messages_claimable "), std::string::npos) << plan;
    if (!perRegistry) {
      EXPECT_EQ(plan.find("messages_claimable_registry"), std::string::npos) << plan;
    }
    ++checked;
  }
  // SQLite: each a look for any ready row first (an idle poll takes no write lock).
  EXPECT_EQ(checked, isPostgres() ? 2 : 4) << "the claim of every registry and the claim of one";
}

// The check itself finds a scan: a statement on a column without an index.
TEST_F(StoreQueryPlanTest, AStatementWithoutAFittingIndexIsCaught) {
  store_->counts();  // the schema is there
  log_->record("SELECT id FROM messages WHERE last_detail = $1", {SqlParam{std::string("x")}}, false);
  const auto scans = scanningStatements();
  ASSERT_FALSE(scans.empty());
  EXPECT_NE(scans.back().find("last_detail"), std::string::npos);
}

}  // namespace
}  // namespace reghub::api
