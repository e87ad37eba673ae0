// Bad input never crashes the validator: every IG example, mutated at random
// places into other JSON kinds (null, number, string, array, object) a
// bounded number of times with a fixed seed, is validated without an
// exception, and a mutated report always gets at least the diagnostics
// call through (no hang, no crash).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "adapters/ltt/ltt_validator.h"
#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

using rapidjson::Value;

void collect(Value& v, std::vector<Value*>& out) {
  out.push_back(&v);
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) collect(m.value, out);
  } else if (v.IsArray()) {
    for (auto& x : v.GetArray()) collect(x, out);
  }
}

TEST(LttRobustness, RandomlyMutatedReportsNeverCrashTheValidator) {
  const LttValidator& validator = LttValidator::get();
  IgOptions opt;
  opt.reportingStart = LttData::get().reportingStart();
  opt.asOf = *model::Date::parse("2026-06-30");
  std::mt19937 rng(20260401);
  int runs = 0;
  for (const auto& f : std::filesystem::directory_iterator(test::sharedDir() + "/reference/ltt/examples")) {
    const std::string text = test::readFile(f.path().string());
    for (int i = 0; i < 150; ++i) {
      auto doc = test::parseJson(text);
      std::vector<Value*> nodes;
      collect(doc, nodes);
      for (int k = 0; k < 3; ++k) {
        Value* v = nodes[rng() % nodes.size()];
        if (v == &doc) continue;
        switch (rng() % 6) {
          case 0: v->SetNull(); break;
          case 1: v->SetInt(static_cast<int>(rng() % 100) - 50); break;
          case 2: v->SetString("x y", doc.GetAllocator()); break;
          case 3: v->SetArray(); break;
          case 4: v->SetObject(); break;
          default: v->SetBool(true); break;
        }
        nodes.clear();
        collect(doc, nodes);
      }
      diag::Collector sink;
      EXPECT_NO_THROW(validator.validateDocument(doc, opt, diag::Reporter(sink, "ltt"))) << f.path();
      ++runs;
    }
  }
  EXPECT_EQ(runs, 13 * 150);
}

}  // namespace
}  // namespace reghub::ltt
