#include "hub/store/detail_rule.h"

#include <regex>

namespace reghub::store {

std::string ruleOf(const std::string& detail) {
  static const std::regex rule(R"(\b[A-Z][A-Z0-9]*(-[A-Z0-9]+)+\b)");
  std::smatch m;
  if (std::regex_search(detail, m, rule)) return m.str();
  std::string first = detail.substr(0, detail.find('\n'));
  if (first.size() > 120) first = first.substr(0, 117) + "...";
  return first.empty() ? "(no reason given)" : first;
}

std::string deadReason(const std::string& detail) {
  if (detail.rfind("depends on ", 0) == 0) return "a message it depends on ended rejected or dead";
  if (detail.rfind("gave up after ", 0) == 0) return detail.substr(0, detail.find(';'));
  return ruleOf(detail);
}

std::optional<std::string> detailRule(MessageState state, const std::string& detail) {
  if (state == MessageState::kRejected) return ruleOf(detail);
  if (state == MessageState::kDead) return deadReason(detail);
  return std::nullopt;
}

}  // namespace reghub::store
