#include "hub/engine/deadline.h"

#include <algorithm>

namespace reghub::engine {

std::string monthNameDa(int month) {
  static const char* const kNames[] = {"januar", "februar", "marts",     "april",   "maj",      "juni",
                                       "juli",   "august",  "september", "oktober", "november", "december"};
  return month >= 1 && month <= 12 ? kNames[month - 1] : "?";
}

std::string dayDa(const model::Date& d) {
  return std::to_string(d.day()) + ". " + monthNameDa(d.month()) + " " + std::to_string(d.year());
}

namespace {

model::Date firstOf(int y, int m) { return *model::Date::fromYmd(y, m, 1); }

model::Date addMonths(const model::Date& first, int n) {
  const int index = first.year() * 12 + (first.month() - 1) + n;
  return firstOf(index / 12, index % 12 + 1);
}

class Monthly final : public DeadlineRule {
 public:
  Monthly(int dueDay, std::string text) : dueDay_(std::clamp(dueDay, 1, 28)), text_(std::move(text)) {}
  std::string text() const override { return text_; }
  DeadlinePeriod next(model::Date today) const override {
    const model::Date thisMonth = firstOf(today.year(), today.month());
    // Until the due day the previous month is the one due; after it, this month.
    return periodOf(today.day() <= dueDay_ ? addMonths(thisMonth, -1) : thisMonth);
  }
  std::optional<DeadlinePeriod> lastPassed(model::Date today) const override {
    const DeadlinePeriod n = next(today);
    return periodOf(addMonths(n.from, -1));
  }

 private:
  DeadlinePeriod periodOf(const model::Date& first) const {
    const model::Date following = addMonths(first, 1);
    return {first, following.plusDays(-1), following.plusDays(dueDay_ - 1),
            "aktivitet i " + monthNameDa(first.month()) + " " + std::to_string(first.year())};
  }
  int dueDay_;
  std::string text_;
};

class Daily final : public DeadlineRule {
 public:
  Daily(model::Date from, std::string text) : from_(from), text_(std::move(text)) {}
  std::string text() const override { return text_; }
  DeadlinePeriod next(model::Date today) const override { return periodOf(std::max(today.plusDays(-1), from_)); }
  std::optional<DeadlinePeriod> lastPassed(model::Date today) const override {
    const model::Date day = today.plusDays(-2);
    if (day < from_) return std::nullopt;
    return periodOf(day);
  }

 private:
  static DeadlinePeriod periodOf(const model::Date& day) { return {day, day, day.plusDays(1), "ændringer " + dayDa(day)}; }
  model::Date from_;
  std::string text_;
};

}  // namespace

std::shared_ptr<const DeadlineRule> monthlyDeadline(int dueDay, std::string text) {
  return std::make_shared<Monthly>(dueDay, std::move(text));
}

std::shared_ptr<const DeadlineRule> dailyDeadline(model::Date from, std::string text) {
  return std::make_shared<Daily>(from, std::move(text));
}

}  // namespace reghub::engine
