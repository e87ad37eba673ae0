// The § 140 IG's own invariants, verbatim from its compiled profiles
// (../shared/reference/rehab/profiles), evaluated by the hub's FHIRPath
// engine: every example instance of the IG keeps every invariant of the
// profiles it claims (bundle entries too), and a mutated copy made to
// break one invariant fails exactly that one. conformsTo() is answered
// by meta.profile, as the reference's own check did (README).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "hub/fhirpath/evaluator.h"

namespace reghub::fhirpath {
namespace {

namespace fs = std::filesystem;
const fs::path kRehab = fs::path(REGHUB_SHARED_DIR) / "reference" / "rehab";

rapidjson::Document readJson(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document d;
  d.Parse(ss.str().c_str());
  EXPECT_FALSE(d.HasParseError()) << p;
  return d;
}

struct Invariant {
  std::string key;
  Expression expression;
};

// profile url → its invariants.
std::map<std::string, std::vector<Invariant>> loadInvariants() {
  std::map<std::string, std::vector<Invariant>> out;
  for (const auto& f : fs::directory_iterator(kRehab / "profiles")) {
    if (f.path().filename().string().rfind("StructureDefinition-", 0) != 0) continue;
    const auto sd = readJson(f.path());
    if (!sd.HasMember("differential")) continue;
    for (const auto& e : sd["differential"]["element"].GetArray()) {
      if (!e.HasMember("constraint")) continue;
      for (const auto& c : e["constraint"].GetArray())
        out[sd["url"].GetString()].push_back({c["key"].GetString(), Expression::parse(c["expression"].GetString())});
    }
  }
  return out;
}

std::vector<std::string> profilesOf(const rapidjson::Value& r) {
  std::vector<std::string> out;
  if (r.IsObject() && r.HasMember("meta") && r["meta"].HasMember("profile"))
    for (const auto& p : r["meta"]["profile"].GetArray()) out.emplace_back(p.GetString());
  return out;
}

Context metaProfileContext() {
  Context ctx;
  ctx.conformsTo = [](const rapidjson::Value& r, const std::string& url) {
    for (const auto& p : profilesOf(r))
      if (p == url) return true;
    return false;
  };
  return ctx;
}

// The resource and, for a Bundle, every entry's resource (nested too).
void resourcesIn(const rapidjson::Value& r, std::vector<const rapidjson::Value*>& out) {
  out.push_back(&r);
  if (r.HasMember("entry"))
    for (const auto& e : r["entry"].GetArray())
      if (e.HasMember("resource")) resourcesIn(e["resource"], out);
}

// Keys of the invariants `r` fails (evaluation errors as "key: error").
std::vector<std::string> failures(const rapidjson::Value& r,
                                  const std::map<std::string, std::vector<Invariant>>& invariants) {
  std::vector<std::string> out;
  for (const auto& p : profilesOf(r)) {
    const auto it = invariants.find(p);
    if (it == invariants.end()) continue;
    for (const Invariant& inv : it->second) {
      std::string why;
      const auto holds = invariantHolds(inv.expression, r, metaProfileContext(), &why);
      if (!holds) out.push_back(inv.key + ": " + why);
      else if (!*holds) out.push_back(inv.key);
    }
  }
  return out;
}

class RehabInvariants : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { invariants_ = new auto(loadInvariants()); }
  static void TearDownTestSuite() { delete invariants_; }
  static const std::map<std::string, std::vector<Invariant>>& invariants() { return *invariants_; }
  static std::map<std::string, std::vector<Invariant>>* invariants_;
};
std::map<std::string, std::vector<Invariant>>* RehabInvariants::invariants_ = nullptr;

TEST_F(RehabInvariants, AllSixOfTheIgAreLoadedAndParse) {
  size_t n = 0;
  for (const auto& [url, list] : invariants()) n += list.size();
  EXPECT_EQ(n, 6u);
}

TEST_F(RehabInvariants, EveryExampleKeepsEveryInvariantOfItsProfiles) {
  size_t checked = 0;
  for (const auto& f : fs::directory_iterator(kRehab / "examples")) {
    if (f.path().extension() != ".json") continue;
    const auto doc = readJson(f.path());
    std::vector<const rapidjson::Value*> all;
    resourcesIn(doc, all);
    for (const rapidjson::Value* r : all) {
      for (const auto& p : profilesOf(*r))
        if (invariants().count(p)) checked += invariants().at(p).size();
      const auto failed = failures(*r, invariants());
      EXPECT_TRUE(failed.empty()) << f.path().filename() << " " << (*r)["resourceType"].GetString() << "/"
                                  << ((*r).HasMember("id") ? (*r)["id"].GetString() : "") << ": " << failed.front();
    }
  }
  EXPECT_GT(checked, 40u);  // every example, bundles' entries included, was really checked
}

// A mutation of one example and the one invariant it must break.
struct Mutation {
  const char* file;
  const char* invariant;
  void (*mutate)(rapidjson::Document&);
};

void cancelWithoutReason(rapidjson::Document& d) {
  auto& detail = d["activity"][0]["detail"];
  detail["status"].SetString("cancelled");
  detail.RemoveMember("statusReason");
}
void trainingWithoutBasedOn(rapidjson::Document& d) {
  d["activity"][0]["detail"]["code"]["coding"][0]["code"].SetString("7f825e3e-1a5c-4249-bf41-9f7171fb6b8a");
  d.RemoveMember("basedOn");
}
void examinationWithBasedOn(rapidjson::Document& d) {
  d["activity"][0]["detail"]["code"]["coding"][0]["code"].SetString("1130ad70-6553-490d-87f8-5e8941687a0c");
  rapidjson::Value ref(rapidjson::kObjectType);
  ref.AddMember("reference", "ServiceRequest/x", d.GetAllocator());
  rapidjson::Value list(rapidjson::kArrayType);
  list.PushBack(ref, d.GetAllocator());
  d.RemoveMember("basedOn");
  d.AddMember("basedOn", list, d.GetAllocator());
}
void categoryNotRehab(rapidjson::Document& d) {
  for (auto& c : d["category"].GetArray())
    for (auto& cd : c["coding"].GetArray()) cd["code"].SetString("00000000-0000-0000-0000-000000000000");
}
void foreignConditionProfile(rapidjson::Document& d) {
  for (auto& e : d["entry"].GetArray())
    if (std::string(e["resource"]["resourceType"].GetString()) == "Condition")
      e["resource"]["meta"]["profile"][0].SetString("http://example.org/other-condition");
}
void foreignCarePlanProfile(rapidjson::Document& d) {
  for (auto& e : d["entry"].GetArray())
    if (std::string(e["resource"]["resourceType"].GetString()) == "CarePlan")
      e["resource"]["meta"]["profile"][0].SetString("http://example.org/other-careplan");
}

TEST_F(RehabInvariants, EachMutationBreaksExactlyItsInvariant) {
  const Mutation mutations[] = {
      {"RuddiTraeningsforloeb.json", "klgateway-140-care-plan-1", cancelWithoutReason},
      {"RuddiTraening.json", "klgateway-140-intervention-1", trainingWithoutBasedOn},
      {"RuddiTerapeutfagligUndersoegelse.json", "klgateway-140-intervention-2", examinationWithBasedOn},
      {"RuddiGGOPInformation.json", "gateway-140-service-request-1", categoryNotRehab},
      {"DeliveryReport-Ruddi-1.json", "gateway-140-report-1", foreignConditionProfile},
      {"DeliveryReport-Ruddi-1.json", "gateway-140-report-2", foreignCarePlanProfile},
  };
  for (const Mutation& m : mutations) {
    auto doc = readJson(kRehab / "examples" / m.file);
    ASSERT_TRUE(failures(doc, invariants()).empty()) << m.file;  // the control: unmutated, it holds
    m.mutate(doc);
    EXPECT_EQ(failures(doc, invariants()), std::vector<std::string>{m.invariant}) << m.file;
  }
}

}  // namespace
}  // namespace reghub::fhirpath
