// FHIRPath evaluation (hub/fhirpath/evaluator.h) over FHIR JSON: the
// semantics an invariant relies on, each with a case that holds and one
// that does not.
#include "hub/fhirpath/evaluator.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace reghub::fhirpath {
namespace {

rapidjson::Document json(const char* text) {
  rapidjson::Document d;
  d.Parse(text);
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

const char* kCarePlan = R"({"resourceType":"CarePlan","id":"cp","status":"active",
  "category":[{"coding":[{"system":"s","code":"a"},{"system":"s","code":"b"}]}],
  "activity":[{"detail":{"status":"cancelled","statusReason":{"text":"flyttet"},"code":{"coding":[{"code":"x"}]}}},
              {"detail":{"status":"in-progress","code":{"coding":[{"code":"y"}]}}}],
  "period":{"start":"2024-01-02","end":"2024-03-01"},
  "extension":[{"url":"http://e/1","valueString":"v"}]})";

// Evaluates and renders the result as text: "[a, b]" (strings bare, booleans true/false).
std::string eval(const char* expr, const rapidjson::Value& r, const Context& ctx = {}) {
  const Result res = evaluate(Expression::parse(expr), r, ctx);
  if (!res.ok()) return "error: " + res.error;
  std::string out = "[";
  for (const Item& i : res.items) {
    if (out.size() > 1) out += ", ";
    if (i.kind == Item::Kind::kBool) out += i.boolean ? "true" : "false";
    else if (i.kind == Item::Kind::kInteger) out += std::to_string(i.integer);
    else if (i.kind == Item::Kind::kString || i.kind == Item::Kind::kDateTime) out += i.string;
    else if (i.node->IsString()) out += i.node->GetString();
    else if (i.node->IsBool()) out += i.node->GetBool() ? "true" : "false";
    else out += "{}";
  }
  return out + "]";
}

TEST(FhirPathEval, PathsFlattenArraysAndMayStartWithTheResourceType) {
  const auto d = json(kCarePlan);
  EXPECT_EQ(eval("activity.detail.status", d), "[cancelled, in-progress]");
  EXPECT_EQ(eval("CarePlan.activity.detail.code.coding.code", d), "[x, y]");
  EXPECT_EQ(eval("Encounter.status", d), "[]");  // another type: nothing
  EXPECT_EQ(eval("nothing.here", d), "[]");
  EXPECT_EQ(eval("activity[1].detail.status", d), "[in-progress]");
  EXPECT_EQ(eval("activity[5]", d), "[]");
}

TEST(FhirPathEval, ChoiceElementsAreFoundByTheirPrefix) {
  const auto d = json(kCarePlan);
  EXPECT_EQ(eval("extension.value", d), "[v]");
  EXPECT_EQ(eval("extension.value is string", d), "[true]");
  EXPECT_EQ(eval("extension.val", d), "[]");  // a prefix must end where a type name starts
}

TEST(FhirPathEval, EqualityOfCollectionsAndEmptyPropagation) {
  const auto d = json(kCarePlan);
  EXPECT_EQ(eval("status = 'active'", d), "[true]");
  EXPECT_EQ(eval("status = 'draft'", d), "[false]");
  EXPECT_EQ(eval("status != 'draft'", d), "[true]");
  EXPECT_EQ(eval("intent = 'plan'", d), "[]");                     // empty = x is empty
  EXPECT_EQ(eval("category.coding.code = 'a'", d), "[false]");     // two codes against one (note 4 of RULES.md)
  EXPECT_EQ(eval("category.coding.code = ('a' | 'b')", d), "[true]");
  EXPECT_EQ(eval("'a' in category.coding.code", d), "[true]");
  EXPECT_EQ(eval("category.coding.code contains 'c'", d), "[false]");
  EXPECT_EQ(eval("period.start < period.end", d), "[true]");
  EXPECT_EQ(eval("period.start > period.end", d), "[false]");
}

TEST(FhirPathEval, ThreeValuedLogic) {
  const auto d = json("{\"resourceType\":\"Basic\",\"t\":true,\"f\":false}");
  // and
  EXPECT_EQ(eval("f and missing", d), "[false]");
  EXPECT_EQ(eval("t and missing", d), "[]");
  EXPECT_EQ(eval("t and t", d), "[true]");
  // or
  EXPECT_EQ(eval("t or missing", d), "[true]");
  EXPECT_EQ(eval("f or missing", d), "[]");
  EXPECT_EQ(eval("f or f", d), "[false]");
  // implies
  EXPECT_EQ(eval("f implies missing", d), "[true]");
  EXPECT_EQ(eval("missing implies t", d), "[true]");
  EXPECT_EQ(eval("missing implies f", d), "[]");
  EXPECT_EQ(eval("t implies f", d), "[false]");
  // xor
  EXPECT_EQ(eval("t xor f", d), "[true]");
  EXPECT_EQ(eval("t xor t", d), "[false]");
  EXPECT_EQ(eval("t xor missing", d), "[]");
  EXPECT_EQ(eval("missing.not()", d), "[]");
  EXPECT_EQ(eval("f.not()", d), "[true]");
}

TEST(FhirPathEval, FunctionsOverCollections) {
  const auto d = json(kCarePlan);
  EXPECT_EQ(eval("activity.detail.where(status = 'cancelled').code.coding.code", d), "[x]");
  EXPECT_EQ(eval("activity.detail.select(status)", d), "[cancelled, in-progress]");
  EXPECT_EQ(eval("activity.detail.all(status.exists())", d), "[true]");
  EXPECT_EQ(eval("activity.detail.all(statusReason.exists())", d), "[false]");
  EXPECT_EQ(eval("activity.detail.exists(status = 'in-progress')", d), "[true]");
  EXPECT_EQ(eval("activity.count()", d), "[2]");
  EXPECT_EQ(eval("activity.detail.status.first()", d), "[cancelled]");
  EXPECT_EQ(eval("activity.detail.status.last()", d), "[in-progress]");
  EXPECT_EQ(eval("activity.detail.status.tail()", d), "[in-progress]");
  EXPECT_EQ(eval("(status | status | intent).count()", d), "[1]");
  EXPECT_EQ(eval("category.select(coding.code = 'zz').anyTrue()", d), "[false]");
  EXPECT_EQ(eval("activity.detail.select(status = 'cancelled').anyTrue()", d), "[true]");
  EXPECT_EQ(eval("activity.detail.select(status = 'cancelled').allTrue()", d), "[false]");
  EXPECT_EQ(eval("iif(status = 'active', 'yes', 'no')", d), "[yes]");
  EXPECT_EQ(eval("{}.empty()", d), "[true]");
  EXPECT_EQ(eval("extension('http://e/1').value", d), "[v]");
  EXPECT_EQ(eval("extension('http://e/2').exists()", d), "[false]");
  EXPECT_EQ(eval("status.hasValue()", d), "[true]");
  EXPECT_EQ(eval("period.hasValue()", d), "[false]");
}

TEST(FhirPathEval, StringFunctions) {
  const auto d = json(kCarePlan);
  EXPECT_EQ(eval("status.startsWith('act')", d), "[true]");
  EXPECT_EQ(eval("status.endsWith('act')", d), "[false]");
  EXPECT_EQ(eval("status.matches('^[a-z]+$')", d), "[true]");
  EXPECT_EQ(eval("id.matches('^[0-9]+$')", d), "[false]");
  EXPECT_EQ(eval("status.length()", d), "[6]");
  EXPECT_EQ(eval("status.upper()", d), "[ACTIVE]");
  EXPECT_EQ(eval("status.substring(1, 3)", d), "[cti]");
  EXPECT_EQ(eval("status & '-' & id", d), "[active-cp]");
}

TEST(FhirPathEval, TypesAsIsOfType) {
  const auto b = json(R"({"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p"}},
    {"resource":{"resourceType":"CarePlan","id":"c1"}},{"resource":{"resourceType":"CarePlan","id":"c2"}}]})");
  EXPECT_EQ(eval("entry.select(resource as CarePlan).id", b), "[c1, c2]");
  EXPECT_EQ(eval("entry.resource.ofType(Patient).id", b), "[p]");
  EXPECT_EQ(eval("entry[0].resource is Patient", b), "[true]");
  EXPECT_EQ(eval("entry[0].resource is FHIR.CarePlan", b), "[false]");
}

TEST(FhirPathEval, ContextAnswersConformsToMemberOfAndResolve) {
  const auto b = json(R"({"resourceType":"Bundle","entry":[
    {"fullUrl":"Patient/p","resource":{"resourceType":"Patient","id":"p","meta":{"profile":["http://x/pt"]}}},
    {"resource":{"resourceType":"CarePlan","id":"c","subject":{"reference":"Patient/p"},
                 "category":[{"coding":[{"code":"a"}]}]}}]})");
  Context ctx;
  ctx.conformsTo = [](const rapidjson::Value& r, const std::string& url) {
    if (!r.HasMember("meta")) return false;
    for (const auto& p : r["meta"]["profile"].GetArray())
      if (url == p.GetString()) return true;
    return false;
  };
  ctx.memberOf = [](const rapidjson::Value& cc, const std::string& vs) {
    return vs == "http://vs/a" && cc.HasMember("coding") && std::string(cc["coding"][0]["code"].GetString()) == "a";
  };
  ctx.resolve = [&b](const std::string& ref) -> const rapidjson::Value* {
    for (const auto& e : b["entry"].GetArray())
      if (e.HasMember("fullUrl") && ref == e["fullUrl"].GetString()) return &e["resource"];
    return nullptr;
  };
  EXPECT_EQ(eval("entry.resource.where($this.conformsTo('http://x/pt')).id", b, ctx), "[p]");
  EXPECT_EQ(eval("entry.select(resource as CarePlan).all(category.memberOf('http://vs/a'))", b, ctx), "[true]");
  EXPECT_EQ(eval("entry.select(resource as CarePlan).all(category.memberOf('http://vs/b'))", b, ctx), "[false]");
  EXPECT_EQ(eval("entry.resource.subject.resolve().id", b, ctx), "[p]");
  EXPECT_EQ(eval("entry.resource.conformsTo('http://x/pt')", b), "error: conformsTo() needs a single value, got 2");
}

// A pattern is compiled once per thread and kept: the same pattern must
// still answer for each input, from several threads at once, and a bad one
// must fail every time (it is never cached).
TEST(FhirPathEval, MatchesSharesItsCompiledPatternAcrossEvaluationsAndThreads) {
  const auto yes = json(R"({"resourceType":"CarePlan","status":"active"})");
  const auto no = json(R"({"resourceType":"CarePlan","status":"Active1"})");
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (eval("status.matches('^[a-z]+$')", yes) != "[true]") ++wrong;
        if (eval("status.matches('^[a-z]+$')", no) != "[false]") ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(eval("status.matches('(')", yes), "error: matches(): '(' is not a regular expression");
  EXPECT_EQ(eval("status.matches('(')", yes), "error: matches(): '(' is not a regular expression");
}

TEST(FhirPathEval, TypeErrorsInTheDataAreErrorsNotCrashes) {
  const auto d = json(kCarePlan);
  EXPECT_EQ(eval("activity.detail.status.not()", d), "error: not() needs a single value, got 2");
  EXPECT_EQ(eval("activity.detail.status.startsWith('c')", d), "error: startsWith() needs a single value, got 2");
  EXPECT_EQ(eval("status + 1", d), "error: '+' needs numbers");
  EXPECT_EQ(eval("unknownFunction()", d), "error: unknown function unknownFunction()");
  EXPECT_EQ(eval("status.matches('(')", d), "error: matches(): '(' is not a regular expression");
}

TEST(FhirPathEval, InvariantVerdicts) {
  const auto d = json(kCarePlan);
  std::string why;
  EXPECT_EQ(invariantHolds(Expression::parse("status = 'active'"), d, {}, &why), true);
  EXPECT_EQ(invariantHolds(Expression::parse("status = 'draft'"), d, {}, &why), false);
  EXPECT_EQ(invariantHolds(Expression::parse("intent = 'plan'"), d, {}, &why), true);  // empty: not failed
  EXPECT_EQ(invariantHolds(Expression::parse("activity.detail.status"), d, {}, &why), std::nullopt);
  EXPECT_NE(why.find("2 values"), std::string::npos) << why;
}

}  // namespace
}  // namespace reghub::fhirpath

namespace reghub::fhirpath {
namespace {

// What a profile loader refuses at start-up: calls the engine does not
// implement, each named once; supported calls (the context's three too) pass.
TEST(FhirPathSupport, UnsupportedFunctionsAreNamedSupportedOnesAreNot) {
  EXPECT_TRUE(unsupportedFunctions(Expression::parse(
                  "entry.select(resource as Condition).all($this.conformsTo('http://x') or code.memberOf('http://v'))"
                  " and subject.resolve().exists()"))
                  .empty());
  EXPECT_EQ(unsupportedFunctions(Expression::parse("a.aggregate($this).exists() and b.htmlChecks() and c.aggregate(1)")),
            (std::vector<std::string>{"aggregate", "htmlChecks"}));
}

}  // namespace
}  // namespace reghub::fhirpath
