#pragma once
// The dashboard's tables, built from what the status API reads
// (api::StatusView, api::RegistryState, the store's history): Danish
// headers and the domain's terms. Pure: no I/O.
#include <string>
#include <vector>

#include "hub/api/registry_state_report.h"
#include "hub/api/status_view.h"
#include "hub/dashboard/deadlines.h"
#include "hub/dashboard/table.h"
#include "hub/store/dashboard_store.h"

namespace reghub::dashboard {

// "venter", "afvist", "død", … (the message states in Danish).
std::string stateDa(store::MessageState state);

// Registry × kommune: godkendt / afvist / død / venter (pending, sending,
// retry-wait) / erstattet — the sums of /status's counts.
Table overviewTable(const api::StatusView& view);
// Rejections, dead messages and validation problems by rule; a rule links to its page.
Table problemsTable(const api::StatusView& view);
// Dead messages per registry × kommune.
Table deadTable(const api::StatusView& view);
Table parkedTable(const std::vector<store::ParkedResource>& parked);
Table tasksTable(const api::RegistryState& state);
// Tasks closed, newest first: when and by whom (an operator's name, or the registry's sync).
Table closedTasksTable(const std::vector<store::ClosedTask>& closed);
Table foreignTable(const api::RegistryState& state);
// One forløb's messages and every state change, oldest first.
Table timelineTable(const std::vector<store::Transition>& history);
// One ingest's problems (errors, warnings) of one forløb (its reference, "EpisodeOfCare/ep-9").
Table problemsOfForloeb(const std::vector<diag::Diagnostic>& diagnostics, const std::string& forloeb, int64_t at);
// The groups of one rule per kommune (rows: kommune, count).
Table ruleTable(const std::vector<std::pair<std::string, store::RejectionGroup>>& perKommune);

// One row of the deadlines table.
struct DeadlineRow {
  std::string registry, kommune;
  DeadlineJudgement judgement;
  std::optional<int64_t> lastAccepted;
};
Table deadlinesTable(const std::vector<DeadlineRow>& rows);
// A rule's forløb: kommune, forløb (linked to its timeline), masked CPR,
// field id, the adapter's or the registry's words.
Table ruleCasesTable(const std::vector<store::RuleCase>& cases);
// The function certificates the adapters loaded, with days left.
Table certificatesTable(const std::vector<RegistryFacts>& registries, int64_t now);
// The charts' numbers: per day (days since the epoch), per week, per month.
Table outcomesTable(const std::vector<int64_t>& days, const std::vector<store::PeriodCount>& counts);
Table openErrorsTable(const std::vector<int64_t>& weeks, const std::vector<store::PeriodCount>& counts);
Table completenessTable(const std::vector<store::MonthCompleteness>& months);
// The sums of counts per period for one state, in the order of `periods`.
std::vector<int64_t> valuesOf(const std::vector<int64_t>& periods, const std::vector<store::PeriodCount>& counts,
                              store::MessageState state);

// The heading a table has on its page ("Parkerede ressourcer"), by its name.
std::string headingOf(const std::string& tableName);

// /dashboard/regel?register=R&kilde=S&regel=X
std::string ruleLink(const store::RejectionGroup& g);
std::string forloebLink(const std::string& key);

}  // namespace reghub::dashboard
