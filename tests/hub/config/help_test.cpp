// --help and the example lines come from the declarations; secrets show no value.
#include "hub/config/help.h"

#include <gtest/gtest.h>

namespace reghub::config {
namespace {

TEST(ConfigHelp, ShowsNameDefaultAcceptedValuesEnvAndDescription) {
  const std::string h =
      formatHelp({enumKey("smdb.hiddenFieldSeverity", {"warning", "error"}, "hidden fields").withDefault("warning"),
                  intKey("http.port", "the port").withDefault("8443").fromEnv("REGHUB_HTTP_PORT")});
  EXPECT_NE(h.find("smdb.hiddenFieldSeverity = warning   (warning|error)"), std::string::npos) << h;
  EXPECT_NE(h.find("      hidden fields"), std::string::npos) << h;
  EXPECT_NE(h.find("[env REGHUB_HTTP_PORT]"), std::string::npos) << h;
}

TEST(ConfigHelp, SecretShowsWhereItComesFromNotAValue) {
  const Key k = stringKey("store.key", "the key").withDefault("do-not-print").fromEnv("REGHUB_STORE_KEY").asSecret();
  const std::string h = formatHelp({k});
  EXPECT_EQ(h.find("do-not-print"), std::string::npos) << h;
  EXPECT_NE(h.find("[secret]"), std::string::npos) << h;
  EXPECT_EQ(exampleLine(k), "# store.key =");
  EXPECT_EQ(exampleLine(intKey("x.n", "n").withDefault("4")), "x.n = 4");
}

}  // namespace
}  // namespace reghub::config
