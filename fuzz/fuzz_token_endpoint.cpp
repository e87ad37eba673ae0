// libFuzzer target: FK Gateway's token endpoint stand-in
// (adapters/kl_gateway/token_endpoint.h) — the form parser, the JWS client
// assertion parser and its claim checks — with arbitrary bytes, in process.
// The first byte picks where they go: even → the whole form body; odd → the
// client_assertion of an otherwise well-formed token-exchange request, so
// inputs reach the JWS/JSON code. The SAML check is a stub that refuses
// everything: SAML parsing is hub/security's (fuzz_wss).
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/kl_gateway/form.h"
#include "adapters/kl_gateway/token_endpoint.h"

namespace {
reghub::kl_gateway::TokenEndpoint& endpoint() {
  static reghub::kl_gateway::TokenEndpoint* e = [] {
    reghub::kl_gateway::TokenEndpointOptions o;
    o.realmUrl = "https://127.0.0.1/auth/realms/ehealth";
    auto* ep = new reghub::kl_gateway::TokenEndpoint(o, [](const std::string&, reghub::kl_gateway::Clock::time_point) {
      return reghub::kl_gateway::SubjectCheck{false, {}, "fuzz: no SAML"};
    });
    // A registered client whose kid fuzz inputs can name ("fuzz-kid").
    ep->registerClient("fuzz-client", reghub::kl_gateway::adoptKey(EVP_RSA_gen(1024)), "fuzz-kid");
    return ep;
  }();
  return *e;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  reghub::net::HttpRequest req;
  req.method = "POST";
  req.path = req.uri = "/auth/realms/ehealth/protocol/openid-connect/token";
  req.headers["content-type"] = "application/x-www-form-urlencoded";
  if (data[0] % 2 == 0) {
    req.body = input;
  } else {
    using reghub::kl_gateway::formEncode;
    req.body = "grant_type=" + formEncode("urn:ietf:params:oauth:grant-type:token-exchange") +
               "&client_assertion_type=" + formEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
               "&client_assertion=" + formEncode(input) +
               "&subject_token_type=" + formEncode("urn:ietf:params:oauth:token-type:saml2") + "&subject_token=PGEvPg";
  }
  const reghub::net::HttpResponse r = endpoint().handle(req);
  if (r.status == 200) __builtin_trap();  // nothing here can be a valid exchange
  return 0;
}
