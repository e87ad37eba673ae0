// `reghub sandbox ltt` as a process (the generic CLI command): it prints its
// base URL and CA file, answers PUTs over TLS with that CA, exposes what it
// accepted and its fault switch over HTTP, and stops cleanly on SIGTERM.
// It demands FK Gateway's bearer token and writes the client settings
// (--write-client-config) with which the hub gets one.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "adapters/ltt/ltt_adapter.h"
#include "hub/net/https_client.h"
#include "tests/adapters/ltt/test_util.h"
#include "tests/support/piped_child.h"

namespace reghub::ltt {
namespace {

using testing::PipedChild;

TEST(LttSandboxCli, ServesOverTlsAndStopsOnSigterm) {
  const std::string clientConfig =
      (std::filesystem::temp_directory_path() / ("reghub-ltt-client-" + std::to_string(::getpid()) + ".properties"))
          .string();
  PipedChild c = PipedChild::spawn({REGHUB_BINARY, "sandbox", "ltt", "--write-client-config", clientConfig});
  ASSERT_TRUE(c.started());
  const std::string first = c.readLine(), second = c.readLine(), third = c.readLine();
  const std::string urlPrefix = "sandbox ltt listening on ";
  ASSERT_EQ(first.rfind(urlPrefix, 0), 0u) << first;
  ASSERT_EQ(second.rfind("CA file: ", 0), 0u) << second;
  ASSERT_EQ(third, "client config: " + clientConfig);
  const std::string url = first.substr(urlPrefix.size());
  const std::string ca = second.substr(9);

  net::HttpsClientOptions o;
  o.caFile = ca;
  net::HttpsClient client(url, o);
  const std::string report =
      test::readFile(test::sharedDir() + "/reference/ltt/examples/DeliveryReport-Josefine-2.json");
  // FK Gateway's rule: no bearer token, no report (401 + OperationOutcome, nothing stored).
  auto r = client.send("PUT", "/fhir/Bundle/DeliveryReport-Josefine-2", report, "application/fhir+json");
  ASSERT_TRUE(r.answered()) << r.error;
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("OperationOutcome"), std::string::npos);
  EXPECT_EQ(client.send("GET", "/sandbox/received", "", "").body, "[]");
  // The written client settings reach it: STS assertion → token exchange → bearer token.
  const auto settings = std::make_shared<const Settings>(Settings::fromConfig(config::Config::load(clientConfig)));
  EXPECT_EQ(settings->endpoint, url);
  const auto token = LttAdapter(settings).gatewayAuth()->bearer();
  ASSERT_EQ(token.outcome, kl_gateway::AuthOutcome::kOk) << token.error;
  const std::string bearer = token.token.value;
  client.setRequestHook([bearer](const std::string&, const std::string&, const std::string&,
                                 std::map<std::string, std::string>& headers) {
    headers["Authorization"] = "Bearer " + bearer;
  });
  r = client.send("PUT", "/fhir/Bundle/DeliveryReport-Josefine-2", report, "application/fhir+json");
  ASSERT_TRUE(r.answered()) << r.error;
  EXPECT_EQ(r.status, 201);
  r = client.send("GET", "/sandbox/received", "", "");
  EXPECT_EQ(r.body, R"([{"id":"DeliveryReport-Josefine-2","puts":1,"lastStatus":201}])");
  r = client.send("GET", "/fhir/Bundle/DeliveryReport-Josefine-2", "", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, report);
  // Fault switch over HTTP: the next request fails with 500.
  r = client.send("POST", "/sandbox/faults", R"({"fail500":1})", "application/json");
  EXPECT_EQ(r.status, 204);
  r = client.send("PUT", "/fhir/Bundle/DeliveryReport-Josefine-2", report, "application/fhir+json");
  EXPECT_EQ(r.status, 500);
  r = client.send("PUT", "/fhir/Bundle/DeliveryReport-Josefine-2", report, "application/fhir+json");
  EXPECT_EQ(r.status, 200);
  // An invalid report: 422 with the rule in the OperationOutcome.
  std::string bad = report;
  bad.replace(bad.find("\"collection\""), 12, "\"batch\"");
  r = client.send("PUT", "/fhir/Bundle/DeliveryReport-Josefine-2", bad, "application/fhir+json");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("LTT-DR-01"), std::string::npos) << r.body;
  r = client.send("DELETE", "/sandbox/received", "", "");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(client.send("GET", "/sandbox/received", "", "").body, "[]");

  EXPECT_EQ(c.stop(SIGTERM), 0);  // exited by itself, with 0
  std::filesystem::remove(clientConfig);
}

TEST(LttSandboxCli, UnknownRegistryIsAUsageError) {
  PipedChild c = PipedChild::spawn({REGHUB_BINARY, "sandbox", "nosuch"});
  ASSERT_TRUE(c.started());
  EXPECT_EQ(c.wait(), 2);
}

}  // namespace
}  // namespace reghub::ltt
