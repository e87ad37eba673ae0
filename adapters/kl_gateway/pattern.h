#pragma once
// A full-match regular expression (ECMAScript, as std::regex_match) that
// remembers its answers: reports repeat the same values (codes, systems,
// dates, CPR numbers) in every daily report of a citizen, and std::regex is
// the validator's main cost. Same answers as std::regex_match, by
// construction. The memo is per thread (thread_local, bounded, cleared when
// full), so matches() is thread-safe. The constructor throws
// std::regex_error on a bad pattern.
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>

namespace reghub::kl_gateway {

class Pattern {
 public:
  explicit Pattern(const std::string& ecmaScript);
  bool matches(std::string_view text) const;

 private:
  std::regex regex_;
  uint64_t id_;  // unique per constructed pattern (copies share it): the memo key
};

}  // namespace reghub::kl_gateway
