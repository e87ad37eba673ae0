#pragma once
// A token endpoint (kl_gateway/token_endpoint.h) behind the hub's real HTTPS
// server on loopback with a dev CA, and a client side pointed at it.
//
// The SAML side is a stand-in here: StubAssertions hands out an XML text
// and the endpoint's verifier accepts exactly what it handed out while its
// clock says it is valid. It is NOT a signed SAML assertion — the signed
// KOMBIT STS stand-in and the SAML verification are hub/security's
// (branch oioidws); the LTT sandbox tests use those.
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "adapters/kl_gateway/gateway_auth.h"
#include "adapters/kl_gateway/token_endpoint.h"
#include "hub/net/dev_tls.h"
#include "hub/net/https_server.h"
#include "test_keys.h"

namespace reghub::kl_gateway::test {

inline const std::string kRealm = "https://127.0.0.1/auth/realms/ehealth";

// A movable clock shared by client and server (token expiry without sleeping).
struct TestClock {
  std::atomic<int64_t> offsetMs{0};
  Clock::time_point now() const { return Clock::now() + std::chrono::milliseconds(offsetMs.load()); }
  void advance(std::chrono::milliseconds d) { offsetMs += d.count(); }
};

class StubAssertions final : public SubjectTokenSource {
 public:
  explicit StubAssertions(TestClock& clock) : clock_(clock) {}
  SubjectTokenResult issue() override {
    calls++;
    std::lock_guard<std::mutex> lock(mu_);
    const std::string xml = "<saml:Assertion ID=\"_" + randomUuid() + "\">stub</saml:Assertion>";
    valid_.insert(xml);
    return {AuthOutcome::kOk, {xml, clock_.now() + std::chrono::hours(1)}, {}};
  }
  SubjectCheck check(const std::string& xml) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (!valid_.count(xml)) return {false, {}, "not an assertion of the test STS"};
    return {true, "C=DK,O=29189846,CN=test anvendersystem", {}};
  }
  std::atomic<int> calls{0};

 private:
  TestClock& clock_;
  mutable std::mutex mu_;
  std::set<std::string> valid_;
};

struct GatewayFixture {
  GatewayFixture() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("reghub-klg-" + std::to_string(rd()) + std::to_string(rd()));
    tls = net::writeDevTls(dir.string());
    TokenEndpointOptions o;
    o.realmUrl = kRealm;
    o.tokenLifetime = std::chrono::seconds(120);
    o.now = [this] { return clock.now(); };
    endpoint = std::make_unique<TokenEndpoint>(o, [this](const std::string& xml, Clock::time_point) {
      return sts.check(xml);
    });
    endpoint->registerClient("kommune-0330", clientKey);
    net::HttpsServerOptions so;
    so.certFile = tls.serverCertFile;
    so.keyFile = tls.serverKeyFile;
    server = std::make_unique<net::HttpsServer>(so, [this](const net::HttpRequest& r) {
      requests++;
      return endpoint->handle(r);
    });
    server->start();
  }
  ~GatewayFixture() {
    server->stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TokenExchangeConfig exchangeConfig() const {
    TokenExchangeConfig c;
    c.tokenUrl = server->baseUrl() + "/auth/realms/ehealth/protocol/openid-connect/token";
    c.tls.caFile = tls.caCertFile;
    return c;
  }
  std::shared_ptr<ClientAssertionSigner> signer(EvpKey key, std::string kid = {},
                                                std::string clientId = "kommune-0330") const {
    return std::make_shared<ClientAssertionSigner>(
        ClientAssertionConfig{clientId, kRealm, std::chrono::seconds(10), std::move(kid)}, std::move(key));
  }
  std::shared_ptr<GatewayAuth> auth(std::shared_ptr<TokenCache> cache) {
    return std::make_shared<GatewayAuth>(std::shared_ptr<SubjectTokenSource>(&sts, [](SubjectTokenSource*) {}),
                                         std::make_shared<TokenExchangeClient>(exchangeConfig()), signer(clientKey),
                                         std::move(cache), "http://ehealth.sundhed.dk/service/CareGateway/1",
                                         [this] { return clock.now(); });
  }

  std::filesystem::path dir;
  net::DevTlsFiles tls;
  TestClock clock;
  StubAssertions sts{clock};
  EvpKey clientKey = newRsaKey();
  std::unique_ptr<TokenEndpoint> endpoint;
  std::unique_ptr<net::HttpsServer> server;
  std::atomic<int> requests{0};
};

}  // namespace reghub::kl_gateway::test
