// RealIdSink (real_id_sink.h): `validate` builds § 140 reports without their
// content hash, so Bundle.id is the placeholder; a finding that names it
// must read as it would with the hashed report — the id finishReport gives
// the same entries — and nothing else may change.
#include <gtest/gtest.h>

#include "adapters/rehab/real_id_sink.h"

namespace reghub::rehab {
namespace {

const kl_gateway::ReportShape kShape{"http://example.org/report", "http://example.org/incremental",
                                     "8b1d3e4c-2f0a-5c6e-9d7b-1a2b3c4d5e6f", "http://example.org", ""};

// The same entries as a report finished without and with its hash.
struct Reports {
  rapidjson::Document unhashed, hashed;
  std::string hashedId;
};
void make(Reports& r) {
  for (rapidjson::Document* d : {&r.unhashed, &r.hashed}) {
    rapidjson::Value entries(rapidjson::kArrayType);
    rapidjson::Value e(rapidjson::kObjectType);
    e.AddMember("fullUrl", "http://example.org/Patient/p1", d->GetAllocator());
    entries.PushBack(e, d->GetAllocator());
    const auto ids = kl_gateway::finishReport(*d, std::move(entries), *model::Date::fromYmd(2026, 11, 1), kShape,
                                              d == &r.hashed);
    if (d == &r.hashed) r.hashedId = ids.bundleId;
  }
}

diag::Diagnostic finding(const std::string& path) {
  diag::Diagnostic d;
  d.rule = "KLGW-CARD";
  d.path = path;
  d.message = "in Bundle/" + path.substr(path.find('/') + 1, 36);
  return d;
}

TEST(RehabRealIdSink, AFindingNamingThePlaceholderGetsTheHashedReportsId) {
  Reports r;
  make(r);
  ASSERT_EQ(r.unhashed["id"].GetString(), std::string(kl_gateway::kPlaceholderBundleId));
  diag::Collector c;
  RealIdSink sink(c, r.unhashed, kShape, true);
  sink.report(finding(std::string("Bundle/") + kl_gateway::kPlaceholderBundleId + ".timestamp"));
  ASSERT_EQ(c.diagnostics().size(), 1u);
  EXPECT_EQ(c.diagnostics()[0].path, "Bundle/" + r.hashedId + ".timestamp");
  EXPECT_EQ(c.diagnostics()[0].message, "in Bundle/" + r.hashedId);
  EXPECT_NE(r.hashedId, kl_gateway::kPlaceholderBundleId);
}

TEST(RehabRealIdSink, OtherFindingsAndAnInactiveSinkPassUnchanged) {
  Reports r;
  make(r);
  diag::Collector c;
  RealIdSink sink(c, r.unhashed, kShape, true);
  sink.report(finding("Patient/p1.identifier[0]"));
  RealIdSink off(c, r.hashed, kShape, false);
  const std::string placeholderPath = std::string("Bundle/") + kl_gateway::kPlaceholderBundleId;
  off.report(finding(placeholderPath));
  ASSERT_EQ(c.diagnostics().size(), 2u);
  EXPECT_EQ(c.diagnostics()[0].path, "Patient/p1.identifier[0]");
  EXPECT_EQ(c.diagnostics()[1].path, placeholderPath);
}

}  // namespace
}  // namespace reghub::rehab
