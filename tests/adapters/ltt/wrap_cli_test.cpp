// `reghub translate --registry ltt --wrap` (the adapter seam's wrapRun):
// the Josefine story as one KLGatewayLTTIncrementalDelivery that holds
// exactly the DeliveryReports translate prints without --wrap, validates
// under `reghub validate --registry ltt`, and keeps its id for the same
// content. A registry without a run wrapper (smdb) is a usage error.
// Runs the real binary (REGHUB_BINARY).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/adapters/ltt/test_util.h"

namespace reghub::ltt {
namespace {

namespace fs = std::filesystem;

using test::CliResult;

// Runs `reghub ARGS` with the Josefine reporting start (2025, see josefine/README.md).
CliResult reghub(const std::string& args) {
  return test::runCommand("REGHUB_LTT_REPORTING_START=2025-01-01 " + std::string(REGHUB_BINARY) + " " + args,
                          (fs::temp_directory_path() / ("ltt_wrap_err_" + std::to_string(::getpid()))).string());
}

struct Printed {
  std::string header;
  std::string body;
};

// Splits translate's stdout into "### …" header + body pairs.
std::vector<Printed> split(const std::string& out) {
  std::vector<Printed> msgs;
  size_t i = 0;
  while (i < out.size()) {
    size_t j = out.find('\n', i);
    if (j == std::string::npos) j = out.size();
    const std::string line = out.substr(i, j - i);
    if (line.rfind("### ", 0) == 0)
      msgs.push_back({line, ""});
    else if (!msgs.empty())
      msgs.back().body += line + "\n";
    i = j + 1;
  }
  return msgs;
}

std::string josefine() { return test::sourceDir() + "/tests/adapters/ltt/josefine"; }

TEST(LttWrap, JosefineWrapperHoldsExactlyTheRunsReports) {
  const CliResult plain = reghub("translate --registry ltt --as-of 2025-12-31 " + josefine());
  ASSERT_EQ(plain.exit, 0) << plain.err;
  const auto reports = split(plain.out);
  ASSERT_EQ(reports.size(), 7u);  // the story's seven report days

  const CliResult wrapped = reghub("translate --registry ltt --as-of 2025-12-31 --wrap " + josefine());
  ASSERT_EQ(wrapped.exit, 0) << wrapped.err;
  const auto msgs = split(wrapped.out);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].header.rfind("### ltt IncrementalDelivery key=", 0), 0u) << msgs[0].header;
  EXPECT_EQ(msgs[0].header.find("citizen="), std::string::npos) << "a run wrapper belongs to no single citizen";
  const auto w = test::parseJson(msgs[0].body);
  ASSERT_TRUE(w.IsObject());
  EXPECT_STREQ(w["meta"]["profile"][0].GetString(),
               "http://fhir.kl.dk/ltt/StructureDefinition/klgateway-ltt-incremental-delivery");
  const std::string id = w["id"].GetString();
  EXPECT_NE(msgs[0].header.find("key=" + id), std::string::npos);
  ASSERT_TRUE(w["entry"].IsArray());
  ASSERT_EQ(w["entry"].Size(), reports.size());
  for (rapidjson::SizeType i = 0; i < w["entry"].Size(); ++i) {
    const auto report = test::parseJson(reports[i].body);
    const auto& inner = w["entry"][i]["resource"];
    EXPECT_TRUE(inner == report) << "entry " << i << " differs from the report translate prints without --wrap";
    EXPECT_EQ(std::string(w["entry"][i]["fullUrl"].GetString()),
              "http://fhir.kl.dk/ltt/Bundle/" + std::string(report["id"].GetString()));
  }

  // The same content gives the same bundle.
  const CliResult again = reghub("translate --registry ltt --as-of 2025-12-31 --wrap " + josefine());
  EXPECT_EQ(again.out, wrapped.out);

  // It validates as FK Gateway would check it on receipt.
  const fs::path file = fs::temp_directory_path() / ("ltt_wrap_" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << msgs[0].body;
  const CliResult v = reghub("validate --registry ltt --as-of 2025-12-31 --format json " + file.string());
  fs::remove(file);
  EXPECT_EQ(v.exit, 0) << v.out;
  EXPECT_EQ(v.out.find("\"severity\":\"error\""), std::string::npos) << v.out;
}

TEST(LttWrap, OtherContentGivesAnotherId) {
  const auto all = split(reghub("translate --registry ltt --as-of 2025-12-31 --wrap " + josefine()).out);
  const auto summer = split(reghub("translate --registry ltt --as-of 2025-08-31 --wrap " + josefine()).out);
  ASSERT_EQ(all.size(), 1u);
  ASSERT_EQ(summer.size(), 1u);
  const auto a = test::parseJson(all[0].body), s = test::parseJson(summer[0].body);
  EXPECT_EQ(s["entry"].Size(), 5u);  // the reports up to 18/8
  EXPECT_STRNE(a["id"].GetString(), s["id"].GetString());
}

TEST(LttWrap, EmptyRunIsAnEmptyValidWrapper) {
  // Before the story starts nothing is reportable; the wrapper still says so.
  const CliResult r = reghub("translate --registry ltt --as-of 2025-05-01 --wrap " + josefine());
  ASSERT_EQ(r.exit, 0) << r.err;
  const auto msgs = split(r.out);
  ASSERT_EQ(msgs.size(), 1u);
  const auto w = test::parseJson(msgs[0].body);
  EXPECT_FALSE(w.HasMember("entry"));
  const fs::path file = fs::temp_directory_path() / ("ltt_wrap_empty_" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << msgs[0].body;
  const CliResult v = reghub("validate --registry ltt --as-of 2025-05-01 --format json " + file.string());
  fs::remove(file);
  EXPECT_EQ(v.exit, 0) << v.out;
}

TEST(LttWrap, RegistryWithoutRunWrapperIsAUsageError) {
  const CliResult r = reghub("translate --registry smdb --wrap " + josefine());
  EXPECT_EQ(r.exit, 2);
  EXPECT_TRUE(r.out.empty()) << "nothing is translated when --wrap is refused";
  EXPECT_NE(r.err.find("registry 'smdb' has no run wrapper"), std::string::npos) << r.err;
}

TEST(LttWrap, HelpDocumentsWrap) {
  const CliResult r = reghub("translate --help");
  EXPECT_EQ(r.exit, 0);
  EXPECT_NE(r.out.find("--wrap"), std::string::npos);
  EXPECT_NE(r.out.find("IncrementalDelivery"), std::string::npos);
}

}  // namespace
}  // namespace reghub::ltt
