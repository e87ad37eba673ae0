#include "hub/model/date.h"

#include <unicode/timezone.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>

namespace reghub::model {

bool isLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeapYear(y) ? 29 : kDays[m - 1];
}

std::optional<Date> Date::fromYmd(int y, int m, int d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return std::nullopt;
  Date r;
  r.y_ = y;
  r.m_ = m;
  r.d_ = d;
  return r;
}

// Howard Hinnant's days_from_civil / civil_from_days.
int32_t Date::days() const {
  const int y = m_ <= 2 ? y_ - 1 : y_;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m_ > 2 ? m_ - 3 : m_ + 9) + 2) / 5 + d_ - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

Date Date::fromDays(int32_t z) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  Date r;
  r.y_ = y + (m <= 2);
  r.m_ = static_cast<int>(m);
  r.d_ = static_cast<int>(d);
  return r;
}

namespace {
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}
}  // namespace

std::optional<Date> Date::parse(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  return fromYmd(y, m, d);
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y_, m_, d_);
  return buf;
}

int ageInYears(const Date& birth, const Date& at) {
  int age = at.year() - birth.year();
  if (at.month() < birth.month() || (at.month() == birth.month() && at.day() < birth.day())) --age;
  return age;
}

int copenhagenOffsetSeconds(int64_t epochSeconds) {
  // Never destroyed: a thread still running while the process exits (an
  // intake worker of a server that is stopped by a static's destructor, as
  // in fuzz_api) may ask after this function's statics would be gone.
  struct Zone {
    std::mutex mu;  // icu::TimeZone::getOffset is const but not documented thread-safe
    std::unique_ptr<icu::TimeZone> tz{icu::TimeZone::createTimeZone("Europe/Copenhagen")};
  };
  static Zone* const zone = new Zone;
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  {
    std::lock_guard<std::mutex> lock(zone->mu);
    zone->tz->getOffset(static_cast<UDate>(epochSeconds) * 1000.0, false, raw, dst, status);
  }
  if (U_FAILURE(status)) return 3600;
  return (raw + dst) / 1000;
}

Date copenhagenToday() {
  const auto now = std::chrono::system_clock::now();
  const int64_t s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return Date::fromDays(static_cast<int32_t>((s + copenhagenOffsetSeconds(s)) / 86400));
}

namespace {
int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
}  // namespace

DateTime DateTime::fromEpochSeconds(int64_t s) {
  DateTime r;
  r.precision_ = Precision::kTime;
  r.epoch_ = s;
  r.day_ = Date::fromDays(static_cast<int32_t>(floorDiv(s + copenhagenOffsetSeconds(s), 86400)));
  r.text_ = r.isoUtc();
  return r;
}

std::optional<DateTime> DateTime::parse(std::string_view s) {
  DateTime r;
  r.text_ = std::string(s);
  int y = 0, m = 1, d = 1;
  if (!digits(s, 0, 4, y)) return std::nullopt;
  if (s.size() == 4) {
    r.precision_ = Precision::kYear;
    auto dd = Date::fromYmd(y, 1, 1);
    if (!dd) return std::nullopt;
    r.day_ = *dd;
    return r;
  }
  if (s.size() < 7 || s[4] != '-' || !digits(s, 5, 2, m)) return std::nullopt;
  if (s.size() == 7) {
    auto dd = Date::fromYmd(y, m, 1);
    if (!dd) return std::nullopt;
    r.precision_ = Precision::kMonth;
    r.day_ = *dd;
    return r;
  }
  if (s.size() < 10 || s[7] != '-' || !digits(s, 8, 2, d)) return std::nullopt;
  auto date = Date::fromYmd(y, m, d);
  if (!date) return std::nullopt;
  if (s.size() == 10) {
    r.precision_ = Precision::kDay;
    r.day_ = *date;
    return r;
  }
  // Time part: Thh:mm:ss(.fff)?(Z|±hh:mm)?
  int hh, mi, ss;
  if (s[10] != 'T' || !digits(s, 11, 2, hh) || s.size() < 19 || s[13] != ':' || !digits(s, 14, 2, mi) ||
      s[16] != ':' || !digits(s, 17, 2, ss) || hh > 23 || mi > 59 || ss > 60)
    return std::nullopt;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  const int64_t local = static_cast<int64_t>(date->days()) * 86400 + hh * 3600 + mi * 60 + ss;
  int64_t epoch;
  if (pos == s.size()) {
    // No zone: Copenhagen wall time. Two passes settle the DST offset.
    int off = copenhagenOffsetSeconds(local - 3600);
    off = copenhagenOffsetSeconds(local - off);
    epoch = local - off;
  } else if (s[pos] == 'Z' && pos + 1 == s.size()) {
    epoch = local;
  } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) || oh > 14 || om > 59) return std::nullopt;
    const int off = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    epoch = local - off;
  } else {
    return std::nullopt;
  }
  r.precision_ = Precision::kTime;
  r.epoch_ = epoch;
  r.day_ = Date::fromDays(static_cast<int32_t>(floorDiv(epoch + copenhagenOffsetSeconds(epoch), 86400)));
  return r;
}

std::string DateTime::isoUtc() const {
  if (precision_ != Precision::kTime) return text_;
  const int64_t days = floorDiv(epoch_, 86400);
  const int64_t secs = epoch_ - days * 86400;
  const Date d = Date::fromDays(static_cast<int32_t>(days));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", d.iso().c_str(), static_cast<int>(secs / 3600),
                static_cast<int>(secs % 3600 / 60), static_cast<int>(secs % 60));
  return buf;
}

int64_t DateTime::sortKey() const {
  return precision_ == Precision::kTime ? epoch_ : static_cast<int64_t>(day_.days()) * 86400 - 7200;
}

}  // namespace reghub::model
