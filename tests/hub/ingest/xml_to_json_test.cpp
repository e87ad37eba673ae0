#include "hub/ingest/xml_to_json.h"

#include <gtest/gtest.h>

using reghub::ingest::XmlError;
using reghub::ingest::xmlToFhirJson;

TEST(XmlToJson, RepeatingElementsBecomeArraysAndPrimitivesTyped) {
  rapidjson::Document d;
  XmlError e;
  ASSERT_TRUE(xmlToFhirJson(
      R"(<Patient xmlns="http://hl7.org/fhir"><id value="p"/><active value="true"/>)"
      R"(<identifier><value value="1"/></identifier><name><given value="A"/><given value="B"/></name></Patient>)",
      d, e))
      << e.message;
  EXPECT_STREQ(d["resourceType"].GetString(), "Patient");
  EXPECT_TRUE(d["active"].IsBool());
  ASSERT_TRUE(d["identifier"].IsArray());
  EXPECT_EQ(d["name"][0]["given"].Size(), 2u);
}

TEST(XmlToJson, RefusesElementsOutsideTheFhirNamespace) {
  rapidjson::Document d;
  XmlError e;
  EXPECT_FALSE(xmlToFhirJson("<Patient><id value=\"p\"/></Patient>", d, e));
  EXPECT_NE(e.message.find("namespace"), std::string::npos);
}

TEST(XmlToJson, RefusesInvalidUtf8) {
  rapidjson::Document d;
  XmlError e;
  EXPECT_FALSE(xmlToFhirJson("<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"\xff\"/></Patient>", d, e));
}

TEST(XmlToJson, ExtensionUrlAndNestedResourceAreKept) {
  rapidjson::Document d;
  XmlError e;
  ASSERT_TRUE(xmlToFhirJson(R"(<Bundle xmlns="http://hl7.org/fhir"><entry><resource><Encounter>)"
                            R"(<extension url="http://x/y"><valueReference><reference value="CarePlan/c"/></valueReference></extension>)"
                            R"(</Encounter></resource></entry></Bundle>)",
                            d, e))
      << e.message;
  const auto& enc = d["entry"][0]["resource"];
  EXPECT_STREQ(enc["resourceType"].GetString(), "Encounter");
  EXPECT_STREQ(enc["extension"][0]["url"].GetString(), "http://x/y");
  EXPECT_STREQ(enc["extension"][0]["valueReference"]["reference"].GetString(), "CarePlan/c");
}

TEST(XmlToJson, TooDeepSaysSoWithoutLibxmlAdviceToProgrammers) {
  std::string xml = "<Bundle xmlns=\"http://hl7.org/fhir\">";
  for (int i = 0; i < 300; ++i) xml += "<a>";
  for (int i = 0; i < 300; ++i) xml += "</a>";
  xml += "</Bundle>";
  rapidjson::Document d;
  XmlError e;
  ASSERT_FALSE(xmlToFhirJson(xml, d, e));
  EXPECT_NE(e.message.find("depth"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("split the document"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("XML_PARSE_HUGE"), std::string::npos) << e.message;
}
