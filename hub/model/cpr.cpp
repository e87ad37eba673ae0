#include "hub/model/cpr.h"

namespace reghub::model {

int cprCentury(int yy, int d7) {
  if (d7 <= 3) return 1900 + yy;
  if (d7 == 4 || d7 == 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;  // 5–8
}

std::optional<Cpr> Cpr::parse(std::string_view text, Problem* why) {
  auto fail = [&](Problem p) -> std::optional<Cpr> {
    if (why) *why = p;
    return std::nullopt;
  };
  std::string d;
  d.reserve(10);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' && i == 6 && d.size() == 6) continue;
    if (c < '0' || c > '9') return fail(Problem::kNotTenDigits);
    d.push_back(c);
  }
  if (d.size() != 10) return fail(Problem::kNotTenDigits);
  int day = (d[0] - '0') * 10 + (d[1] - '0');
  const int month = (d[2] - '0') * 10 + (d[3] - '0');
  const int yy = (d[4] - '0') * 10 + (d[5] - '0');
  const int d7 = d[6] - '0';
  bool replacement = false;
  if (day >= 61 && day <= 91) {
    day -= 60;
    replacement = true;
  }
  const auto birth = Date::fromYmd(cprCentury(yy, d7), month, day);
  if (!birth) return fail(Problem::kBadDate);
  Cpr c;
  c.digits_ = std::move(d);
  c.birth_ = *birth;
  c.replacement_ = replacement;
  if (why) *why = Problem::kNone;
  return c;
}

Gender Cpr::gender() const { return (digits_[9] - '0') % 2 == 1 ? Gender::kMale : Gender::kFemale; }

std::string Cpr::masked() const { return maskCpr(digits_); }

bool passesModulus11(const Cpr& cpr) {
  static constexpr int kWeights[10] = {4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
  int sum = 0;
  for (size_t i = 0; i < 10; ++i) sum += kWeights[i] * (cpr.digits()[i] - '0');
  return sum % 11 == 0;
}

bool neverIssued(const Cpr& cpr) {
  static const Date kModulus11Abandoned = *Date::fromYmd(2007, 10, 1);
  return cpr.birthDate() < kModulus11Abandoned && !passesModulus11(cpr);
}

std::string maskCpr(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < 4; ++i) out.push_back(i < text.size() && text[i] >= '0' && text[i] <= '9' ? text[i] : '*');
  out += "**-****";
  return out;
}

}  // namespace reghub::model
