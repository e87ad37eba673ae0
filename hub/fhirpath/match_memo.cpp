#include "hub/fhirpath/match_memo.h"

namespace reghub::fhirpath {

const std::regex& MatchMemo::regexFor(std::string_view pattern) {
  std::string p(pattern);
  auto it = regexes_.find(p);
  if (it != regexes_.end()) return it->second;
  std::regex compiled(p, std::regex::ECMAScript);  // may throw: nothing stored yet
  if (regexes_.size() >= maxPatterns_) regexes_.clear();
  return regexes_.emplace(std::move(p), std::move(compiled)).first->second;
}

bool MatchMemo::matches(std::string_view pattern, std::string_view input) {
  // A long input (an attachment, a narrative) is rarely met twice and would fill the memo.
  if (input.size() > kMaxInput) return std::regex_search(input.begin(), input.end(), regexFor(pattern));
  // The pattern's length first: no pattern/input split is ambiguous.
  key_.assign(std::to_string(pattern.size())).push_back(':');
  key_.append(pattern).append(input);
  if (const auto it = answers_.find(key_); it != answers_.end()) {
    ++hits_;
    return it->second;
  }
  const bool found = std::regex_search(input.begin(), input.end(), regexFor(pattern));
  if (answers_.size() >= maxAnswers_) answers_.clear();
  answers_.emplace(key_, found);
  return found;
}

}  // namespace reghub::fhirpath
