// checkDisplays (code_displays.h): a Coding whose display is not its code
// system's is one KLGW-DISPLAY warning at the Coding's own path (the path is
// put together during the walk, so its segments — members and array
// indexes, nested — are what is checked here); a display that differs only
// in case is kept.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>

#include "adapters/kl_gateway/code_displays.h"

namespace reghub::kl_gateway {
namespace {

CodeDisplays terminology() {
  const auto file = std::filesystem::temp_directory_path() / ("code-displays-" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << R"({"codeSystems":{"http://s":{"concepts":[{"code":"a","display":"Alpha"}]}}})";
  CodeDisplays d = CodeDisplays::load(file.string());
  std::filesystem::remove(file);
  return d;
}

TEST(CodeDisplays, AWrongDisplayIsOneWarningAtItsCodingsPath) {
  rapidjson::Document doc;
  doc.Parse(R"({"resourceType":"Bundle","entry":[{"fullUrl":"x"},{"resource":{"code":{"coding":[
      {"system":"http://s","code":"a","display":"alpha"},
      {"system":"http://s","code":"a","display":"Beta"}]}}}]})");
  ASSERT_FALSE(doc.HasParseError());
  diag::Collector c;
  checkDisplays(doc, terminology(), diag::Reporter(c).withPath("Bundle/b1"));
  ASSERT_EQ(c.diagnostics().size(), 1u);  // "alpha" is Alpha, ignoring case
  EXPECT_EQ(c.diagnostics()[0].rule, kRuleDisplay);
  EXPECT_EQ(c.diagnostics()[0].path, "Bundle/b1.entry[1].resource.code.coding[1]");
}

}  // namespace
}  // namespace reghub::kl_gateway
