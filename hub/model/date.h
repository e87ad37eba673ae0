#pragma once
// Calendar dates and instants. Value types, no I/O, thread-safe.
// Every date rule of the registries uses the calendar day in
// Europe/Copenhagen (CONTRACT §3): DateTime::copenhagenDate() gives it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reghub::model {

// A proleptic Gregorian calendar date.
class Date {
 public:
  Date() = default;
  static std::optional<Date> fromYmd(int y, int m, int d);  // nullopt if not a real date
  static Date fromDays(int32_t daysSinceEpoch);
  // Strict "YYYY-MM-DD" (FHIR `date` with full precision).
  static std::optional<Date> parse(std::string_view s);

  int year() const { return y_; }
  int month() const { return m_; }
  int day() const { return d_; }
  int32_t days() const;  // days since 1970-01-01
  std::string iso() const;  // "YYYY-MM-DD"
  Date plusDays(int n) const { return fromDays(days() + n); }

  friend bool operator==(const Date& a, const Date& b) { return a.days() == b.days(); }
  friend auto operator<=>(const Date& a, const Date& b) { return a.days() <=> b.days(); }

 private:
  int y_ = 1970, m_ = 1, d_ = 1;
};

// Whole days from `from` to `to` (to − from).
inline int daysBetween(const Date& from, const Date& to) { return to.days() - from.days(); }
// Age in completed years on `at` for someone born on `birth`.
int ageInYears(const Date& birth, const Date& at);
bool isLeapYear(int y);
int daysInMonth(int y, int m);

// A FHIR date/dateTime/instant. Keeps the text it came from, the precision,
// and (when it has a time) the UTC instant.
class DateTime {
 public:
  enum class Precision { kYear, kMonth, kDay, kTime };
  DateTime() = default;
  // Accepts FHIR R4 date, dateTime and instant lexical forms. A time
  // without zone is taken as Copenhagen local time.
  static std::optional<DateTime> parse(std::string_view s);
  static DateTime fromEpochSeconds(int64_t s);

  Precision precision() const { return precision_; }
  const std::string& text() const { return text_; }
  // For kTime: seconds since the epoch, UTC.
  int64_t epochSeconds() const { return epoch_; }
  // The calendar day in Europe/Copenhagen (for kDay: the date itself;
  // for kYear/kMonth: the first day of the period).
  Date copenhagenDate() const { return day_; }
  // "YYYY-MM-DDThh:mm:ssZ" for kTime; the date text otherwise.
  std::string isoUtc() const;

  friend bool operator==(const DateTime& a, const DateTime& b) { return a.sortKey() == b.sortKey(); }
  friend bool operator<(const DateTime& a, const DateTime& b) { return a.sortKey() < b.sortKey(); }

 private:
  int64_t sortKey() const;
  Precision precision_ = Precision::kDay;
  std::string text_;
  int64_t epoch_ = 0;
  Date day_;
};

// Offset of Europe/Copenhagen from UTC, in seconds, at a UTC instant (ICU).
int copenhagenOffsetSeconds(int64_t epochSeconds);
// Today's date in Copenhagen (wall clock). Commands take --as-of instead
// wherever results must be reproducible.
Date copenhagenToday();

}  // namespace reghub::model
