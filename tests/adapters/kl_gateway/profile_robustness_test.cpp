// Bad input never crashes the profile validator: every § 140 example,
// mutated at random places into other JSON kinds (null, number, string,
// array, object, boolean) a bounded number of times with a fixed seed, is
// validated without an exception; a mutation of a kept element is seen
// (at least one report in ten gets an error).
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "adapters/kl_gateway/profile_validator.h"
#include "tests/adapters/kl_gateway/profile_test_util.h"

namespace reghub::kl_gateway {
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

TEST(ProfileValidatorRobustness, RandomlyMutatedExamplesNeverCrashTheValidator) {
  const ProfileValidator v(test::rehabProfiles());
  std::mt19937 rng(20261201);
  int runs = 0, withErrors = 0;
  for (const auto& f : std::filesystem::directory_iterator(test::rehabReference() / "examples")) {
    if (f.path().extension() != ".json") continue;
    for (int i = 0; i < 100; ++i) {
      auto doc = test::readJson(f.path());
      std::vector<Value*> nodes;
      collect(doc, nodes);
      for (int k = 0; k < 3; ++k) {
        Value* n = nodes[rng() % nodes.size()];
        if (n == &doc) continue;
        switch (rng() % 6) {
          case 0: n->SetNull(); break;
          case 1: n->SetInt(static_cast<int>(rng() % 100) - 50); break;
          case 2: n->SetString("x y", doc.GetAllocator()); break;
          case 3: n->SetArray(); break;
          case 4: n->SetObject(); break;
          default: n->SetBool(true); break;
        }
        nodes.clear();
        collect(doc, nodes);
      }
      diag::Collector sink;
      EXPECT_NO_THROW(v.validate(doc, diag::Reporter(sink, "kl_gateway"))) << f.path();
      withErrors += sink.hasErrors() ? 1 : 0;
      ++runs;
    }
  }
  EXPECT_EQ(runs, 20 * 100);
  EXPECT_GT(withErrors, runs / 10);
}

}  // namespace
}  // namespace reghub::kl_gateway
