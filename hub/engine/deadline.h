#pragma once
// A registry's reporting deadline (issue 15 "next deadline"): the activity
// of a period must be delivered by the end of a due day. Each adapter
// declares its own rule through Adapter::deadlineRule(); the hub knows the
// shapes (monthly, daily), never which registry has which. Days are
// Copenhagen calendar days (CONTRACT §3). Pure values, thread-safe.
#include <memory>
#include <optional>
#include <string>

#include "hub/model/date.h"

namespace reghub::engine {

struct DeadlinePeriod {
  model::Date from, to;  // the activity period, both days included
  model::Date due;       // delivered by the end of this day
  std::string activity;  // Danish: "aktivitet i november 2026", "ændringer 30. november 2026"
};

class DeadlineRule {
 public:
  virtual ~DeadlineRule() = default;
  // The rule in Danish words, with its source ("senest den 15. i
  // efterfølgende måned (Kravspecifikation …)").
  virtual std::string text() const = 0;
  // The period whose due day is the first on or after `today`.
  virtual DeadlinePeriod next(model::Date today) const = 0;
  // The latest period whose due day is before `today`; nullopt before the duty began.
  virtual std::optional<DeadlinePeriod> lastPassed(model::Date today) const = 0;
};

// A month's activity by day `dueDay` of the following month.
std::shared_ptr<const DeadlineRule> monthlyDeadline(int dueDay, std::string text);
// Each day's changes by the end of the next day, from day `from` on.
std::shared_ptr<const DeadlineRule> dailyDeadline(model::Date from, std::string text);

// "november 2026", "30. november 2026".
std::string monthNameDa(int month);
std::string dayDa(const model::Date& d);

}  // namespace reghub::engine
