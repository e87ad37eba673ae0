// hasRehabView (rehab_view.h): the adapter's cheap answer to "would this
// citizen's view be empty?" (selectsCitizen asks it for every citizen with
// a ServiceRequest or CarePlan, before anything is built) agrees with
// building the view: a GGOP with a Patient has one; without the Patient,
// with only a resource that is no seed, or with the seed inside a KL report
// given as input, none.
#include <gtest/gtest.h>

#include "adapters/rehab/rehab_view.h"

namespace reghub::rehab {
namespace {

model::Resource resource(const std::string& type, const std::string& id, const std::string& body) {
  model::Resource r;
  r.type = type;
  r.key = type + "/" + id;
  r.json = "{\"resourceType\":\"" + type + "\",\"id\":\"" + id + "\"" + body + "}";
  r.source.reference = r.key;
  return r;
}

model::Resource patient() { return resource("Patient", "p1", ""); }

model::Resource serviceRequest(const std::string& code) {
  return resource("ServiceRequest", "sr1",
                  std::string(",\"subject\":{\"reference\":\"Patient/p1\"},\"code\":{\"coding\":[{\"system\":\"") +
                      kCscSystem + "\",\"code\":\"" + code + "\"}]}");
}

// Both answers, so each case checks that they agree.
struct Answers {
  bool cheap;
  bool built;
};
Answers judge(const std::vector<model::Resource>& resources) {
  model::Citizen c;
  c.resources = resources;
  return {hasRehabView(c, RehabData::get()), !rehabView(c, RehabData::get(), {}, nullptr).empty()};
}

TEST(RehabView, AGgopWithItsPatientHasAView) {
  const Answers a = judge({patient(), serviceRequest(kGgopCode)});
  EXPECT_TRUE(a.built);
  EXPECT_TRUE(a.cheap);
}

TEST(RehabView, AGgopWithoutAPatientHasNone) {
  const Answers a = judge({serviceRequest(kGgopCode)});
  EXPECT_FALSE(a.built);
  EXPECT_FALSE(a.cheap);
}

TEST(RehabView, AServiceRequestThatIsNoGgopHasNone) {
  const Answers a = judge({patient(), serviceRequest("not-the-ggop")});
  EXPECT_FALSE(a.built);
  EXPECT_FALSE(a.cheap);
}

TEST(RehabView, AGgopFromAKlReportGivenAsInputHasNone) {
  model::Resource sr = serviceRequest(kGgopCode);
  sr.source.containerProfile = profileUrl(kProfileReport);
  const Answers a = judge({patient(), sr});
  EXPECT_FALSE(a.built);
  EXPECT_FALSE(a.cheap);
}

}  // namespace
}  // namespace reghub::rehab
