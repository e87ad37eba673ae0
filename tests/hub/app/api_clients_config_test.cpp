// The API's named clients from the configuration (hub/app/api_clients_config.h):
// each rule of the declaration is broken once and kept once; a token never
// appears in an error.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "hub/app/api_clients_config.h"
#include "hub/app/hub_config.h"
#include "tests/support/store_test_support.h"

namespace reghub::app {
namespace {

const std::string kKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
const std::string kToken = "tok-0123456789abcdef";

class ApiClientsConfig : public ::testing::Test {
 protected:
  std::string tokenFile(const std::string& name, const std::string& token, mode_t mode) {
    const std::string p = (dir_.path() / name).string();
    std::ofstream(p) << token << "\n";
    ::chmod(p.c_str(), mode);
    return p;
  }
  static api::ApiClients read(const std::map<std::string, std::string>& m) {
    return readApiClients(config::Config::fromMap(m));
  }
  // The message of the ConfigError reading `m` throws ("" when none).
  static std::string problem(const std::map<std::string, std::string>& m) {
    try {
      read(m);
    } catch (const config::ConfigError& e) {
      return e.what();
    }
    return "";
  }
  testing::TempDir dir_{"reghub-clients"};
};

TEST_F(ApiClientsConfig, ClientWithTokenFileRolesAndKommuner) {
  const auto clients = read({{"http.clients", "intake0101, analyst"},
                             {"http.client.intake0101.tokenFile", tokenFile("t1", kToken, 0600)},
                             {"http.client.intake0101.roles", "intake"},
                             {"http.client.intake0101.kommuner", "0101, 0147"},
                             {"http.client.analyst.certificateFingerprint", std::string(64, 'A')},
                             {"http.client.analyst.roles", "analyst, operator"}});
  ASSERT_EQ(clients.all().size(), 2u);
  const api::ApiClient* c = clients.byToken(kToken);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name, "intake0101");
  EXPECT_TRUE(c->may(api::Role::kIntake));
  EXPECT_FALSE(c->may(api::Role::kAnalyst));
  EXPECT_EQ(c->kommuner, (std::set<std::string>{"0101", "0147"}));
  const api::ApiClient* a = clients.byCertificate("", std::string(64, 'a'));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name, "analyst");
  EXPECT_FALSE(a->scoped());
  EXPECT_EQ(clients.byToken("tok-wrong-wrong-wrong"), nullptr);
}

TEST_F(ApiClientsConfig, TokenFileWiderThan0600StopsTheStart) {
  const std::string f = tokenFile("t1", kToken, 0644);
  const std::string p = problem({{"http.clients", "c"}, {"http.client.c.tokenFile", f}, {"http.client.c.roles", "intake"}});
  EXPECT_NE(p.find("mode 0644, wider than 0600"), std::string::npos) << p;
  EXPECT_NE(p.find("chmod 600"), std::string::npos) << p;
  EXPECT_EQ(p.find(kToken), std::string::npos) << "the token must not be echoed";
  ::chmod(f.c_str(), 0400);  // stricter is fine
  EXPECT_EQ(problem({{"http.clients", "c"}, {"http.client.c.tokenFile", f}, {"http.client.c.roles", "intake"}}), "");
}

TEST_F(ApiClientsConfig, TokenFromTheNamedEnvironmentVariable) {
  ::setenv("REGHUB_TEST_TOKEN_C", kToken.c_str(), 1);
  const auto clients = read({{"http.clients", "c"}, {"http.client.c.tokenEnv", "REGHUB_TEST_TOKEN_C"}, {"http.client.c.roles", "admin"}});
  ASSERT_NE(clients.byToken(kToken), nullptr);
  ::unsetenv("REGHUB_TEST_TOKEN_C");
  const std::string p =
      problem({{"http.clients", "c"}, {"http.client.c.tokenEnv", "REGHUB_TEST_TOKEN_C"}, {"http.client.c.roles", "admin"}});
  EXPECT_NE(p.find("REGHUB_TEST_TOKEN_C is not set"), std::string::npos) << p;
}

TEST_F(ApiClientsConfig, ShortTokenIsRefused) {
  const std::string p = problem(
      {{"http.clients", "c"}, {"http.client.c.tokenFile", tokenFile("t", "short", 0600)}, {"http.client.c.roles", "intake"}});
  EXPECT_NE(p.find("shorter than 16"), std::string::npos) << p;
  EXPECT_EQ(p.find("short\n"), std::string::npos);
}

TEST_F(ApiClientsConfig, UnknownRoleAndBadKommuneAreRefused) {
  const std::string f = tokenFile("t", kToken, 0600);
  std::string p = problem({{"http.clients", "c"}, {"http.client.c.tokenFile", f}, {"http.client.c.roles", "superuser"}});
  EXPECT_NE(p.find("unknown role 'superuser'"), std::string::npos) << p;
  p = problem({{"http.clients", "c"}, {"http.client.c.tokenFile", f}, {"http.client.c.roles", "intake"},
               {"http.client.c.kommuner", "101"}});
  EXPECT_NE(p.find("'101' is not a 4-digit kommune code"), std::string::npos) << p;
  p = problem({{"http.clients", "c"}, {"http.client.c.tokenFile", f}});
  EXPECT_NE(p.find("http.client.c.roles is not set"), std::string::npos) << p;
}

TEST_F(ApiClientsConfig, SettingsOfAClientNotListedAreRefused) {
  const std::string p = problem({{"http.clients", "a"},
                                 {"http.client.a.tokenFile", tokenFile("t", kToken, 0600)},
                                 {"http.client.a.roles", "intake"},
                                 {"http.client.b.roles", "admin"}});
  EXPECT_NE(p.find("there is no client 'b' in http.clients"), std::string::npos) << p;
}

TEST_F(ApiClientsConfig, AClientWithoutAnyCredentialIsRefused) {
  const std::string p = problem({{"http.clients", "a"}, {"http.client.a.roles", "intake"}});
  EXPECT_NE(p.find("no way to authenticate"), std::string::npos) << p;
}

TEST_F(ApiClientsConfig, TwoClientsWithOneTokenAreRefused) {
  const std::string f = tokenFile("t", kToken, 0600);
  const std::string p = problem({{"http.clients", "a, b"},
                                 {"http.client.a.tokenFile", f},
                                 {"http.client.a.roles", "intake"},
                                 {"http.client.b.tokenFile", f},
                                 {"http.client.b.roles", "admin"}});
  EXPECT_NE(p.find("have the same token"), std::string::npos) << p;
  EXPECT_EQ(p.find(kToken), std::string::npos);
}

TEST_F(ApiClientsConfig, BadFingerprintIsRefused) {
  const std::string p =
      problem({{"http.clients", "a"}, {"http.client.a.certificateFingerprint", "AB:CD"}, {"http.client.a.roles", "intake"}});
  EXPECT_NE(p.find("not a SHA-256 fingerprint"), std::string::npos) << p;
}

TEST_F(ApiClientsConfig, TheRemovedHttpTokensSaysWhatToWriteInstead) {
  std::string p = problem({{"http.tokens", "abcdefabcdefabcdef"}});
  EXPECT_NE(p.find("http.tokens (REGHUB_API_TOKENS) is removed"), std::string::npos) << p;
  EXPECT_NE(p.find("http.clients = intake1"), std::string::npos) << p;
  EXPECT_EQ(p.find("abcdefabcdefabcdef"), std::string::npos);
  ::setenv("REGHUB_API_TOKENS", "abcdefabcdefabcdef", 1);
  p = problem({});
  ::unsetenv("REGHUB_API_TOKENS");
  EXPECT_NE(p.find("is removed"), std::string::npos) << p;
  EXPECT_EQ(problem({}), "");  // no clients: allowed (the API then answers only /health)
}

TEST_F(ApiClientsConfig, AMisspeltClientKeyIsAnUnknownKey) {
  try {
    loadHubConfig(config::Config::fromMap({{"store.key", kKey}, {"http.clients", "a"}, {"http.client.a.rolez", "x"}}));
    FAIL() << "no error";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown configuration key 'http.client.a.rolez'"), std::string::npos) << e.what();
  }
}

TEST_F(ApiClientsConfig, ACertificateClientNeedsTheClientCa) {
  try {
    loadHubConfig(config::Config::fromMap({{"store.key", kKey},
                                           {"http.clients", "a"},
                                           {"http.client.a.certificateSubject", "CN=a"},
                                           {"http.client.a.roles", "intake"}}));
    FAIL() << "no error";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("set http.tls.caLocation"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace reghub::app
