// keptAsSentJson: the compact copy of a resource the KL Gateway adapters
// report as sent, with every reference made canonical.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "hub/ingest/resource_decoder.h"

namespace reghub::ingest {
namespace {

std::string kept(const std::string& json, std::vector<std::string>& refs) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError());
  const ResolveReference resolve = [](const std::string& r) -> std::string {
    if (r == "urn:uuid:p1") return "Patient/p1";
    if (r == "Organization/o1") return "Organization/o1";
    return "";
  };
  return keptAsSentJson(d, resolve, refs);
}

TEST(KeptAsSent, EveryResolvedReferenceIsRewrittenToItsKeyAndListed) {
  std::vector<std::string> refs;
  const std::string out = kept(
      R"({"resourceType":"CarePlan","subject":{"reference":"urn:uuid:p1"},)"
      R"("activity":[{"detail":{"performer":[{"reference":"Organization/o1"}]}}]})",
      refs);
  EXPECT_EQ(out,
            R"({"resourceType":"CarePlan","subject":{"reference":"Patient/p1"},)"
            R"("activity":[{"detail":{"performer":[{"reference":"Organization/o1"}]}}]})");
  EXPECT_EQ(refs, (std::vector<std::string>{"Patient/p1", "Organization/o1"}));
}

TEST(KeptAsSent, AnUnresolvedReferenceStaysAsSentAndIsNotListed) {
  std::vector<std::string> refs;
  const std::string out = kept(R"({"subject":{"reference":"urn:uuid:elsewhere","display":"x"}})", refs);
  EXPECT_EQ(out, R"({"subject":{"reference":"urn:uuid:elsewhere","display":"x"}})");
  EXPECT_TRUE(refs.empty());
}

TEST(KeptAsSent, ValuesOtherThanReferencesAreCopiedExactly) {
  std::vector<std::string> refs;
  // A "reference" that is not a string is no reference; numbers, booleans,
  // null, escapes and empty containers survive compacting unchanged.
  const std::string in =
      R"({"reference":{"reference":"urn:uuid:p1"},"n":-12,"u":4294967296,"d":1.5,"b":false,"z":null,)"
      R"("s":"a\"b\u00e6","e":[],"o":{}})";
  const std::string out = kept(in, refs);
  EXPECT_EQ(out, R"({"reference":{"reference":"Patient/p1"},"n":-12,"u":4294967296,"d":1.5,"b":false,"z":null,)"
                 "\"s\":\"a\\\"b\xc3\xa6\",\"e\":[],\"o\":{}}");
  EXPECT_EQ(refs, (std::vector<std::string>{"Patient/p1"}));
}

}  // namespace
}  // namespace reghub::ingest
