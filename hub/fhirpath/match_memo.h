#pragma once
// FHIRPath matches() answers remembered per (pattern, input): an IG's
// invariants match the same few patterns against values that repeat across
// reports (codes, system urls, a citizen's ids), and std::regex_search costs
// far more than a hash lookup. Bounded (a pattern or an input could come from
// data): when either table is full it is emptied and refilled. Not
// thread-safe; the evaluator keeps one per thread.
#include <cstddef>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace reghub::fhirpath {

class MatchMemo {
 public:
  // Inputs longer than this are matched, not remembered.
  static constexpr size_t kMaxInput = 256;
  explicit MatchMemo(size_t maxAnswers = 4096, size_t maxPatterns = 256)
      : maxAnswers_(maxAnswers), maxPatterns_(maxPatterns) {}
  // std::regex_search(input, pattern) (ECMAScript); throws std::regex_error
  // for a pattern that is not a regular expression (never remembered).
  bool matches(std::string_view pattern, std::string_view input);
  size_t answers() const { return answers_.size(); }
  // How many calls were answered from the memo (tests).
  size_t hits() const { return hits_; }

 private:
  const std::regex& regexFor(std::string_view pattern);
  size_t maxAnswers_;
  size_t maxPatterns_;
  std::unordered_map<std::string, std::regex> regexes_;
  std::unordered_map<std::string, bool> answers_;  // key: <pattern length>:<pattern><input>
  std::string key_;                                // reused: a lookup allocates nothing
  size_t hits_ = 0;
};

}  // namespace reghub::fhirpath
