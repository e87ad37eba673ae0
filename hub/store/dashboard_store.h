#pragma once
// The dashboard's charts over time (issue 15 "Over time", "Fast on a big
// store"; docs/STORE.md "Dashboard periods"): outcomes per day, open errors
// per week, completeness per month — for every kommune or only some (a
// kommune-scoped client sees its own).
//
// A closed day's outcome counts and a closed month's completeness are kept
// as rows (migration 13: dashboard_periods, dashboard_spans), computed once
// when first asked for; today and this month are counted live. Triggers on
// messages and transitions append a mark to dashboard_stale whenever a
// change touches a kept period (a late state change of a message created in
// a closed month, a transition recorded for a closed day), and the next read
// computes that period again — so the rows are never wrong, whoever changed
// the messages. Computing takes the store's write lock (PostgreSQL: SHARE
// locks on messages and transitions) only as a barrier, for the moment the
// spans are made: no change can be in flight unseen between a count and its
// span. The count itself runs with writers going on (a change meanwhile
// leaves a mark: counted again at the next read).
//
// The dashboard's action on the registry mirror's manual tasks is here too:
// an operator closes a task by hand (who and when kept on the task, and in
// the audit trail).
//
// Its own connection; thread-safe (calls serialised). Every call does I/O
// and throws StoreError on database failure.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hub/model/date.h"
#include "hub/store/delivery_store.h"

namespace reghub::store {

// A manual task that was closed: by a sync (closedBy empty) or by hand.
struct ClosedTask {
  std::string key, registry, kommune, kind, forloebKey, citizenMasked;
  int64_t openedAt = 0, closedAt = 0;
  std::string closedBy;
};

class DashboardStore {
 public:
  // Its own connection to the store (migrated by DeliveryStore::open first).
  static std::unique_ptr<DashboardStore> open(const StoreOptions& options);
  ~DashboardStore();

  // Transitions to accepted, rejected and dead per local day (Copenhagen),
  // `first` through `today`, of `kommuner` (empty: every kommune). The days
  // before `today` are read from kept rows.
  std::vector<PeriodCount> outcomesPerDay(model::Date first, model::Date today, const std::vector<std::string>& kommuner);
  // Messages rejected or dead now, by the week they ended in (weeks since
  // the epoch, starting Monday, local time by `offsetMillis`), from `since`.
  std::vector<PeriodCount> openErrorsPerWeek(int64_t since, int64_t offsetMillis, const std::vector<std::string>& kommuner);
  // Of the forløb with a message created in a month (per kommune: a citizen
  // who moved has a forløb in each), how many have every such message
  // accepted or superseded; the months from `first`'s through `today`'s.
  // The months before `today`'s are read from kept rows.
  std::vector<MonthCompleteness> completenessPerMonth(model::Date first, model::Date today,
                                                      const std::vector<std::string>& kommuner);

  // Closes the open task `key` by hand: closed_at and closed_by on the task
  // and an audit entry (action "close-task"), in one transaction. A task
  // once closed is not opened again (RegistryMirror::openTask). False when
  // no open task has this key.
  bool closeTask(const std::string& key, const std::string& actor, int64_t now);
  // The last `max` tasks closed, newest first.
  std::vector<ClosedTask> closedTasks(size_t max);

  // How many kept periods the calls so far computed (again): tests and the bench.
  int64_t periodsComputed() const { return computed_; }
  // Tests: called after a period was counted and before its rows are
  // written (what a writer may do meanwhile).
  void whileCounting(std::function<void()> f) { whileCounting_ = std::move(f); }

 private:
  struct Span {
    int64_t period = 0, starts = 0, ends = 0;  // [starts, ends) in UTC milliseconds
  };
  explicit DashboardStore(std::unique_ptr<SqlDb> db);
  // Computes the spans of `kind` that have no rows yet or were marked stale.
  // Each is counted between two short transactions: openSpans (a barrier:
  // the spans exist, their marks cleared), count (no transaction: writers go
  // on), write (the rows; a mark made meanwhile stays for the next read).
  void keep(const std::string& kind, const std::vector<Span>& spans);
  std::vector<Span> missing(const std::string& kind, const std::vector<Span>& spans);
  struct Counted {
    std::string kommune, state;
    int64_t n = 0;
  };
  // Returns the opening's token (stored negated in computed_at): a count is
  // written only while its own opening still holds the span, so of two
  // processes counting a period the later opening's count stands.
  int64_t openSpans(const std::string& kind, const std::vector<Span>& spans);
  std::vector<Counted> count(const std::string& kind, const Span& span);
  void write(const std::string& kind, const Span& span, int64_t token, const std::vector<Counted>& counted);

  std::unique_ptr<SqlDb> db_;
  std::mutex mu_;
  int64_t computed_ = 0;
  std::function<void()> whileCounting_;
};

// UTC milliseconds of the local (Copenhagen) midnight that starts `day`.
int64_t copenhagenMidnightMillis(model::Date day);

}  // namespace reghub::store
