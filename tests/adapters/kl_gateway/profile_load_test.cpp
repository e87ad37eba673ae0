// A bad profile stops the start: ProfileSet::load throws std::runtime_error
// naming what is wrong (the invariant's key for FHIRPath the engine cannot
// evaluate) — never a silent pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/kl_gateway/profile_set.h"
#include "tests/adapters/kl_gateway/profile_test_util.h"
#include "tests/hub/net/test_dir.h"

namespace reghub::kl_gateway {
namespace {

namespace fs = std::filesystem;

// profiles/rehab copied to a temporary folder, one file changed.
class BrokenProfile : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy(test::sourceDir() / "profiles/rehab", dir_.path(), fs::copy_options::recursive); }
  void replace(const std::string& file, const std::string& from, const std::string& to) {
    const fs::path f = dir_.path() / file;
    std::stringstream ss;
    ss << std::ifstream(f).rdbuf();
    std::string s = ss.str();
    const size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
    std::ofstream(f) << s;
  }
  // The start-up error's text ("" when the set loads).
  std::string loadError() {
    try {
      ProfileSet::load(std::vector<std::string>{dir_.str() + "/ig", dir_.str() + "/parents"}, dir_.str() + "/terminology.json",
                       (test::sourceDir() / "profiles/fhir-r4/core.json").string());
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }
  reghub::test::TempDir dir_;
};

TEST_F(BrokenProfile, TheShippedCopyLoads) { EXPECT_EQ(loadError(), ""); }

TEST_F(BrokenProfile, InvariantCallingAFunctionTheEngineLacksNamesTheInvariant) {
  replace("ig/StructureDefinition-klgateway-140-servicerequest.json", ".anyTrue()", ".aggregate($this)");
  const std::string e = loadError();
  EXPECT_NE(e.find("gateway-140-service-request-1"), std::string::npos) << e;
  EXPECT_NE(e.find("aggregate()"), std::string::npos) << e;
}

TEST_F(BrokenProfile, InvariantThatDoesNotParseNamesTheInvariant) {
  replace("ig/StructureDefinition-klgateway-140-planned-intervention.json", "implies basedOn.empty()",
          "implies basedOn.empty(");
  EXPECT_NE(loadError().find("klgateway-140-intervention-2"), std::string::npos);
}

TEST_F(BrokenProfile, ElementPathR4DoesNotKnowFailsStartUp) {
  replace("ig/StructureDefinition-klgateway-140-care-plan.json", "\"id\": \"CarePlan.note\"", "\"id\": \"CarePlan.notes\"");
  replace("ig/StructureDefinition-klgateway-140-care-plan.json", "\"path\": \"CarePlan.note\"", "\"path\": \"CarePlan.notes\"");
  EXPECT_NE(loadError().find("CarePlan.notes is not an R4 element"), std::string::npos);
}

TEST_F(BrokenProfile, BindingToAValueSetWithoutExpansionFailsStartUp) {
  replace("ig/StructureDefinition-klgateway-140-care-plan.json", "ValueSet/CarePlanCategories140",
          "ValueSet/NoSuchValueSet");
  EXPECT_NE(loadError().find("NoSuchValueSet, which has no expansion"), std::string::npos);
}

TEST_F(BrokenProfile, DiscriminatorTheValidatorDoesNotImplementFailsStartUp) {
  replace("ig/StructureDefinition-klgateway-140-encounter.json", "\"type\": \"value\"", "\"type\": \"exists\"");
  EXPECT_NE(loadError().find("discriminator exists on url is not implemented"), std::string::npos);
}

// A constraint kind the validator does not implement is never passed silently.
TEST_F(BrokenProfile, ConstraintKeyTheValidatorDoesNotCheckFailsStartUp) {
  replace("ig/StructureDefinition-klgateway-140-care-plan.json", "\"id\": \"CarePlan.note\",",
          "\"id\": \"CarePlan.note\", \"minValueInteger\": 10,");
  EXPECT_NE(loadError().find("CarePlan.note uses minValueInteger, which this validator does not check"), std::string::npos)
      << loadError();
}

// An invariant on a slice holds for the slice's instances: its node is the
// slice's (with the slice's match), not the sliced element's. The control: an
// invariant on the unsliced element is at the node without a match.
TEST_F(BrokenProfile, AnInvariantOnASliceIsPlacedAtTheSlice) {
  const std::string constraint =
      R"j("constraint": [{"key": "x-slice-1", "severity": "error", "human": "h", "expression": "url.exists()"}], )j";
  replace("ig/StructureDefinition-klgateway-140-care-plan.json", "\"id\": \"CarePlan.extension:basedOnServiceRequest\",",
          "\"id\": \"CarePlan.extension:basedOnServiceRequest\", " + constraint);
  replace("ig/StructureDefinition-klgateway-140-care-plan.json", "\"id\": \"CarePlan.status\",",
          "\"id\": \"CarePlan.status\", " + std::string(R"j("constraint": [{"key": "x-plain-1", "severity": "error", "human": "h", "expression": "exists()"}], )j"));
  const auto set = ProfileSet::load(std::vector<std::string>{dir_.str() + "/ig", dir_.str() + "/parents"},
                                    dir_.str() + "/terminology.json", (test::sourceDir() / "profiles/fhir-r4/core.json").string());
  const Profile* p = set->find("http://fhir.kl.dk/rehab/StructureDefinition/klgateway-140-care-plan");
  ASSERT_NE(p, nullptr);
  int found = 0;
  for (const Invariant& inv : p->invariants) {
    if (inv.key != "x-slice-1" && inv.key != "x-plain-1") continue;
    ++found;
    ASSERT_GE(inv.node, 0) << inv.key;
    const Step& step = p->tree.nodes[static_cast<size_t>(inv.node)].step;
    if (inv.key == "x-slice-1")
      EXPECT_NE(step.match, nullptr) << "an invariant on a slice is at the slice's node";
    else
      EXPECT_EQ(step.match, nullptr);
  }
  EXPECT_EQ(found, 2);
}

TEST_F(BrokenProfile, MissingTerminologyFailsStartUp) {
  fs::remove(dir_.path() / "terminology.json");
  EXPECT_NE(loadError().find("terminology.json: cannot be read"), std::string::npos);
}

// The compiled path tree: rules whose paths share a prefix share its nodes
// (one selection per element), while two slices of one element are two
// nodes (their instances differ). Over every rule of the shipped set.
bool sameSelection(const Step& a, const Step& b) { return a.name == b.name && a.choice == b.choice && a.match == b.match; }

TEST(ProfilePathTree, RulesWithOnePathShareANodeAndSlicesOfOneElementDoNot) {
  size_t shared = 0, slicesApart = 0;
  for (const auto& [url, p] : test::rehabProfiles()->profiles())
    for (const ElementRule& a : p.elements)
      for (const ElementRule& b : p.elements) {
        if (&a == &b || a.node < 0 || b.node < 0 || a.steps.size() != b.steps.size()) continue;
        const auto& tree = p.tree.nodes;
        const bool samePrefix = std::equal(a.steps.begin(), a.steps.end() - 1, b.steps.begin(), sameSelection);
        const bool same = samePrefix && sameSelection(a.steps.back(), b.steps.back());
        EXPECT_EQ(samePrefix, tree[static_cast<size_t>(a.node)].parent == tree[static_cast<size_t>(b.node)].parent)
            << p.id << ": " << a.id << " and " << b.id;
        EXPECT_EQ(same, a.node == b.node) << p.id << ": " << a.id << " and " << b.id;
        EXPECT_TRUE(sameSelection(tree[static_cast<size_t>(a.node)].step, a.steps.back())) << p.id << ": " << a.id;
        shared += samePrefix;
        slicesApart += samePrefix && a.steps.back().name == b.steps.back().name && a.steps.back().match != b.steps.back().match;
      }
  EXPECT_GT(shared, 0u);       // CarePlan.activity.detail.code and .status, say
  EXPECT_GT(slicesApart, 0u);  // Bundle.entry:citizen against Bundle.entry
}

// The control: the tree is smaller than the rules' paths laid end to end.
TEST(ProfilePathTree, IsSmallerThanTheRulesPaths) {
  const Profile* p = test::rehabProfiles()->find("http://fhir.kl.dk/rehab/StructureDefinition/klgateway-140-planned-intervention");
  ASSERT_NE(p, nullptr);
  size_t steps = 0;
  for (const ElementRule& r : p->elements) steps += r.steps.size();
  EXPECT_LT(p->tree.nodes.size(), steps / 2);
}

}  // namespace
}  // namespace reghub::kl_gateway
