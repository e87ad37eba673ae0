#include "hub/store/dashboard_store.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace reghub::store {

namespace {

constexpr int64_t kDay = 86'400'000;

int64_t toInt(const std::optional<std::string>& v) { return v && !v->empty() ? std::stoll(*v) : 0; }
std::string toStr(const std::optional<std::string>& v) { return v ? *v : std::string(); }

MessageState toState(const std::optional<std::string>& v) {
  const auto s = parseMessageState(toStr(v));
  if (!s) throw StoreError("store holds an unknown message state '" + toStr(v) + "'");
  return *s;
}

// " AND kommune IN ($n, …)" for the parameters from `first` on; "" for every kommune.
std::string kommuneFilter(const std::string& column, const std::vector<std::string>& kommuner, size_t first,
                          std::vector<SqlParam>& params) {
  if (kommuner.empty()) return "";
  std::string out = " AND " + column + " IN (";
  for (size_t i = 0; i < kommuner.size(); ++i) {
    out += (i ? ", $" : "$") + std::to_string(first + i);
    params.emplace_back(kommuner[i]);
  }
  return out + ")";
}

bool covers(const std::vector<std::string>& kommuner, const std::string& kommune) {
  return kommuner.empty() || std::find(kommuner.begin(), kommuner.end(), kommune) != kommuner.end();
}

model::Date firstOfMonth(model::Date d) { return *model::Date::fromYmd(d.year(), d.month(), 1); }
model::Date nextMonth(model::Date d) {
  return *model::Date::fromYmd(d.month() == 12 ? d.year() + 1 : d.year(), d.month() == 12 ? 1 : d.month() + 1, 1);
}

// Outcomes of [starts, ends) per kommune and state: each transition's message gives its kommune.
constexpr const char* kDayOutcomes =
    "SELECT m.kommune, t.to_state, COUNT(*) FROM transitions t JOIN messages m ON m.id = t.message_id WHERE t.at >= $1 "
    "AND t.at < $2 AND t.to_state IN ('accepted', 'rejected', 'dead')";

// Per kommune: the forløb with a message created in [starts, ends), and those
// with such a message not accepted or superseded (one pass over
// messages_created_kommune, which holds every column read).
constexpr const char* kMonthCompleteness =
    "SELECT kommune, COUNT(DISTINCT forloeb_key), COUNT(DISTINCT CASE WHEN state NOT IN ('accepted', 'superseded') THEN "
    "forloeb_key END) FROM messages WHERE created_at >= $1 AND created_at < $2";
constexpr const char* kMonthGroups = " GROUP BY kommune";

}  // namespace

int64_t copenhagenMidnightMillis(model::Date day) {
  // Copenhagen changes its offset at 01:00 UTC, never near midnight: the
  // offset an hour before the UTC midnight is the one at the local midnight.
  const int64_t utcMidnight = int64_t{day.days()} * kDay;
  return utcMidnight - int64_t{model::copenhagenOffsetSeconds(utcMidnight / 1000 - 3600)} * 1000;
}

DashboardStore::DashboardStore(std::unique_ptr<SqlDb> db) : db_(std::move(db)) {}
DashboardStore::~DashboardStore() = default;

std::unique_ptr<DashboardStore> DashboardStore::open(const StoreOptions& options) {
  return std::unique_ptr<DashboardStore>(new DashboardStore(openStoreDatabase(options)));
}

std::vector<DashboardStore::Span> DashboardStore::missing(const std::string& kind, const std::vector<Span>& spans) {
  if (spans.empty()) return {};
  std::map<int64_t, std::pair<int64_t, int64_t>> kept;
  // computed_at ≤ 0: its count was begun and not written (or the process
  // died in between): counted again.
  for (const auto& r : db_->query("SELECT period, starts, ends, computed_at FROM dashboard_spans WHERE kind = $1 AND "
                                  "period >= $2 AND period <= $3",
                                  {kind, spans.front().period, spans.back().period}))
    if (toInt(r[3]) > 0) kept[toInt(r[0])] = {toInt(r[1]), toInt(r[2])};
  std::set<int64_t> stale;
  for (const auto& r : db_->query("SELECT DISTINCT period FROM dashboard_stale WHERE kind = $1", {kind}))
    stale.insert(toInt(r[0]));
  std::vector<Span> out;
  for (const Span& s : spans) {
    const auto k = kept.find(s.period);
    if (k == kept.end() || k->second != std::make_pair(s.starts, s.ends) || stale.count(s.period)) out.push_back(s);
  }
  return out;
}

int64_t DashboardStore::openSpans(const std::string& kind, const std::vector<Span>& spans) {
  // Unique enough among the processes sharing a store: a collision would
  // only let the earlier of two counts of one period be written.
  thread_local std::mt19937_64 random{std::random_device{}()};
  const int64_t token = static_cast<int64_t>(random() >> 2) + 1;
  Transaction tx(*db_);
  if (db_->dialect() == Dialect::kPostgres) {
    // The barrier: a change in flight that looked for the span before it
    // existed commits before this does (SHARE waits for every open write);
    // a change after it sees the span and marks it. Held for these few
    // statements only, not while counting.
    db_->query("SELECT pg_advisory_xact_lock(7313013)");
    db_->script("LOCK TABLE messages, transitions IN SHARE MODE");
  }
  for (const Span& s : spans) {
    // Marks from before the count are answered by it; one made after stays.
    db_->query("DELETE FROM dashboard_stale WHERE kind = $1 AND period = $2", {kind, s.period});
    db_->query("INSERT INTO dashboard_spans (kind, period, starts, ends, computed_at) VALUES ($1, $2, $3, $4, $5) ON "
               "CONFLICT (kind, period) DO UPDATE SET starts = excluded.starts, ends = excluded.ends, "
               "computed_at = excluded.computed_at",
               {kind, s.period, s.starts, s.ends, -token});
  }
  tx.commit();
  return token;
}

std::vector<DashboardStore::Counted> DashboardStore::count(const std::string& kind, const Span& s) {
  const bool day = kind == "day";
  std::vector<Counted> out;
  for (const auto& r : db_->query(std::string(day ? kDayOutcomes : kMonthCompleteness) +
                                      (day ? " GROUP BY m.kommune, t.to_state" : kMonthGroups),
                                  {s.starts, s.ends})) {
    if (day) {
      out.push_back({toStr(r[0]), toStr(r[1]), toInt(r[2])});
    } else {
      out.push_back({toStr(r[0]), "forloeb", toInt(r[1])});
      out.push_back({toStr(r[0]), "complete", toInt(r[1]) - toInt(r[2])});
    }
  }
  return out;
}

void DashboardStore::write(const std::string& kind, const Span& s, int64_t token, const std::vector<Counted>& counted) {
  Transaction tx(*db_);
  if (db_->dialect() == Dialect::kPostgres) db_->query("SELECT pg_advisory_xact_lock(7313013)");
  // A span another reader opened meanwhile (its count may hold a change this
  // one missed, whose mark that opening cleared) or moved (other bounds) is
  // left to it.
  db_->query("UPDATE dashboard_spans SET computed_at = $5 WHERE kind = $1 AND period = $2 AND starts = $3 AND ends = $4 "
             "AND computed_at = $6",
             {kind, s.period, s.starts, s.ends, nowMillis(), -token});
  if (db_->changes() != 1) return;  // rolled back: nothing written
  db_->query("DELETE FROM dashboard_periods WHERE kind = $1 AND period = $2", {kind, s.period});
  for (const Counted& c : counted)
    db_->query("INSERT INTO dashboard_periods (kind, period, kommune, state, n) VALUES ($1, $2, $3, $4, $5)",
               {kind, s.period, c.kommune, c.state, c.n});
  tx.commit();
  ++computed_;
}

void DashboardStore::keep(const std::string& kind, const std::vector<Span>& spans) {
  const auto todo = missing(kind, spans);
  if (todo.empty()) return;
  const int64_t token = openSpans(kind, todo);
  // Counted outside any write transaction: an ingest or a delivery writes
  // on meanwhile. A change committed after the barrier left a mark, which
  // the writing below does not remove: the next read counts it again.
  for (const Span& s : todo) {
    const auto counted = count(kind, s);
    if (whileCounting_) whileCounting_();
    write(kind, s, token, counted);
  }
  // Older periods are not shown any more: their rows (and spans the
  // triggers would look at) go.
  Transaction tx(*db_);
  for (const char* table : {"dashboard_periods", "dashboard_spans", "dashboard_stale"})
    db_->query(std::string("DELETE FROM ") + table + " WHERE kind = $1 AND period < $2", {kind, spans.front().period});
  tx.commit();
}

std::vector<PeriodCount> DashboardStore::outcomesPerDay(model::Date first, model::Date today,
                                                        const std::vector<std::string>& kommuner) {
  std::lock_guard lock(mu_);
  std::vector<Span> closed;
  for (model::Date d = first; d < today; d = d.plusDays(1))
    closed.push_back({d.days(), copenhagenMidnightMillis(d), copenhagenMidnightMillis(d.plusDays(1))});
  keep("day", closed);
  std::map<std::pair<int64_t, MessageState>, int64_t> sum;
  for (const auto& r : db_->query("SELECT period, kommune, state, n FROM dashboard_periods WHERE kind = 'day' AND "
                                  "period >= $1 AND period < $2",
                                  {int64_t{first.days()}, int64_t{today.days()}}))
    if (covers(kommuner, toStr(r[1]))) sum[{toInt(r[0]), toState(r[2])}] += toInt(r[3]);
  // Today: counted live (its transitions are still being written).
  std::vector<SqlParam> params{copenhagenMidnightMillis(today), copenhagenMidnightMillis(today.plusDays(1))};
  const std::string filter = kommuneFilter("m.kommune", kommuner, 3, params);
  for (const auto& r : db_->query(std::string(kDayOutcomes) + filter + " GROUP BY m.kommune, t.to_state", params))
    sum[{today.days(), toState(r[1])}] += toInt(r[2]);
  std::vector<PeriodCount> out;
  for (const auto& [k, n] : sum) out.push_back({k.first, k.second, n});
  return out;
}

std::vector<PeriodCount> DashboardStore::openErrorsPerWeek(int64_t since, int64_t offsetMillis,
                                                           const std::vector<std::string>& kommuner) {
  std::lock_guard lock(mu_);
  std::vector<SqlParam> params{since, offsetMillis};
  const std::string filter = kommuneFilter("kommune", kommuner, 3, params);
  std::vector<PeriodCount> out;
  // 1970-01-01 was a Thursday: +3 days makes the weeks start on Monday.
  // messages_errors_kommune holds every column read (its condition repeated
  // word for word); SQLite is told so, or it may walk every rejected and
  // dead message by its state.
  const std::string from = db_->dialect() == Dialect::kSqlite ? "messages INDEXED BY messages_errors_kommune" : "messages";
  for (const auto& r : db_->query("SELECT (updated_at + $2 + 259200000) / 604800000, state, COUNT(*) FROM " + from +
                                      " WHERE state IN ('rejected', 'dead') AND updated_at >= $1" + filter +
                                      " GROUP BY 1, 2 ORDER BY 1",
                                  params))
    out.push_back({toInt(r[0]), toState(r[1]), toInt(r[2])});
  return out;
}

std::vector<MonthCompleteness> DashboardStore::completenessPerMonth(model::Date first, model::Date today,
                                                                    const std::vector<std::string>& kommuner) {
  std::lock_guard lock(mu_);
  const model::Date current = firstOfMonth(today);
  std::vector<Span> closed;
  std::vector<MonthCompleteness> out;
  for (model::Date m = firstOfMonth(first); m <= current; m = nextMonth(m)) {
    if (m < current) closed.push_back({m.days(), copenhagenMidnightMillis(m), copenhagenMidnightMillis(nextMonth(m))});
    out.push_back({m.year(), m.month(), 0, 0});
  }
  keep("month", closed);
  const auto add = [&](int64_t period, const std::string& state, int64_t n) {
    const auto d = model::Date::fromDays(static_cast<int32_t>(period));
    for (auto& m : out)
      if (m.year == d.year() && m.month == d.month()) (state == "complete" ? m.complete : m.forloeb) += n;
  };
  if (!closed.empty())
    for (const auto& r : db_->query("SELECT period, kommune, state, n FROM dashboard_periods WHERE kind = 'month' AND "
                                    "period >= $1 AND period < $2",
                                    {closed.front().period, int64_t{current.days()}}))
      if (covers(kommuner, toStr(r[1]))) add(toInt(r[0]), toStr(r[2]), toInt(r[3]));
  // This month: counted live.
  std::vector<SqlParam> params{copenhagenMidnightMillis(current), copenhagenMidnightMillis(nextMonth(current))};
  const std::string filter = kommuneFilter("kommune", kommuner, 3, params);
  for (const auto& r : db_->query(std::string(kMonthCompleteness) + filter + kMonthGroups, params)) {
    add(current.days(), "forloeb", toInt(r[1]));
    add(current.days(), "complete", toInt(r[1]) - toInt(r[2]));
  }
  return out;
}

bool DashboardStore::closeTask(const std::string& key, const std::string& actor, int64_t now) {
  if (actor.empty()) throw StoreError("bug: closing a task needs an actor");
  std::lock_guard lock(mu_);
  Transaction tx(*db_);
  db_->query("UPDATE registry_tasks SET closed_at = $2, closed_by = $3 WHERE task_key = $1 AND closed_at IS NULL",
             {key, now, actor});
  if (db_->changes() == 0) return false;
  db_->query("INSERT INTO audit (at, actor, action, detail) VALUES ($1, $2, 'close-task', $3)",
             {now, actor, maskDigitRuns("task " + key + " closed by hand")});
  tx.commit();
  return true;
}

std::vector<ClosedTask> DashboardStore::closedTasks(size_t max) {
  std::lock_guard lock(mu_);
  std::vector<ClosedTask> out;
  // registry_tasks_closed (partial): the newest closed first, without sorting.
  for (const auto& r : db_->query("SELECT task_key, registry, kommune, kind, forloeb_key, citizen_masked, opened_at, "
                                  "closed_at, closed_by FROM registry_tasks WHERE closed_at IS NOT NULL ORDER BY "
                                  "closed_at DESC LIMIT $1",
                                  {static_cast<int64_t>(max)}))
    out.push_back({toStr(r[0]), toStr(r[1]), toStr(r[2]), toStr(r[3]), toStr(r[4]), toStr(r[5]), toInt(r[6]),
                   toInt(r[7]), toStr(r[8])});
  return out;
}

}  // namespace reghub::store
