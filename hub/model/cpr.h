#pragma once
// CPR-nummer (Danish personal id). Value type; never print digits() —
// use masked(), which every output path in the hub goes through.
//
// Form only: 10 digits, a real birth date with the century from the 7th
// digit. No modulus-11 check: it was abandoned in 2007 and numbers issued
// since need not satisfy it. A replacement CPR (erstatnings-CPR) has the
// day + 60 (61–91) and is recognised as such.
#include <optional>
#include <string>
#include <string_view>

#include "hub/model/date.h"

namespace reghub::model {

enum class Gender { kUnknown, kMale, kFemale };

class Cpr {
 public:
  enum class Problem { kNone, kNotTenDigits, kBadDate };
  // Parses "DDMMYYSSSS" (a hyphen after the 6th digit is tolerated).
  static std::optional<Cpr> parse(std::string_view text, Problem* why = nullptr);

  const std::string& digits() const { return digits_; }  // sensitive
  Date birthDate() const { return birth_; }
  bool isReplacement() const { return replacement_; }
  // Odd last digit = male (CPR convention).
  Gender gender() const;
  int ageAt(const Date& at) const { return ageInYears(birth_, at); }
  std::string masked() const;

  friend bool operator==(const Cpr& a, const Cpr& b) { return a.digits_ == b.digits_; }

 private:
  std::string digits_;
  Date birth_;
  bool replacement_ = false;
};

// "ddmm**-****" for anything that might be a CPR; safe on any input (shows
// at most the first four characters, and only when they are digits).
std::string maskCpr(std::string_view text);

// Full year from the two-digit year and the 7th digit (CPR century rule).
int cprCentury(int yy, int seventhDigit);

// Weighted digit sum (4,3,2,7,6,5,4,3,2,1) divisible by 11. Not a validity
// check (see above); synthetic data uses it the other way round: a number
// that fails it with a birth date before 2007-10-01 was never issued, so it
// cannot be a real person's.
bool passesModulus11(const Cpr& cpr);
bool neverIssued(const Cpr& cpr);

}  // namespace reghub::model
