// The rule cases of one adapter (reghub_add_rule_cases in cmake/reghub.cmake
// compiles this file once per suite; the suite's facts come as definitions).
#include <sstream>

#include "tests/support/rule_cases.h"

namespace {

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

const reghub::test::RuleCaseSuite& suite() {
  static const reghub::test::RuleCaseSuite s{
      REGHUB_RULE_CASES_SUITE,
      REGHUB_RULE_CASES_ADAPTER,
      REGHUB_RULE_CASES_DIR,
      REGHUB_RULE_CASES_RULES,
      REGHUB_RULE_CASES_RULE_PREFIX,
      *reghub::model::Date::parse(REGHUB_RULE_CASES_AS_OF),
      splitList(REGHUB_RULE_CASES_RULE_KINDS),
      REGHUB_RULE_CASES_MIN_RULES,
      REGHUB_RULE_CASES_EXEMPTIONS,
      REGHUB_RULE_CASES_VALIDATOR_ONLY ? reghub::test::RuleCaseSuite::Judged::kValidator
                                       : reghub::test::RuleCaseSuite::Judged::kPipeline,
  };
  return s;
}

// Registered before gtest_main runs the tests (and lists them for ctest).
[[maybe_unused]] const bool kRegistered = (reghub::test::registerRuleCases(suite()), true);

}  // namespace
