// What OIO IDWS costs per SMDB message (issue 11), on the BASE case's five
// messages (tests/adapters/smdb/cases/BASE__keep_complete_forloeb):
//   SmdbRenderForloeb     — ingest + validate + render the forløb (the
//                           unsigned messages, as the hub builds them); per message;
//   SmdbUnsignedEnvelope  — the Body taken out and put into a plain SOAP 1.2
//                           envelope with wsa headers (what a send costs without security);
//   SmdbSignedEnvelope    — the same into the OIO IDWS envelope: Timestamp,
//                           assertion, STR, one RSA-2048 signature over six
//                           references (one through the STR-Transform);
//   SmdbVerifyEnvelope    — the service side (the sandbox): parse, token
//                           signature, message signature, required parts, replay.
// The token comes from the STS stand-in once (the cache makes that one call
// per token lifetime). docs/PERFORMANCE.md has the numbers and the ratios.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "adapters/smdb/smdb_adapter.h"
#include "adapters/smdb/soap_render.h"
#include "adapters/smdb/soap_transport.h"
#include "hub/security/codec.h"
#include "hub/security/dev_pki.h"
#include "hub/security/sts_stand_in.h"
#include "hub/security/wss_envelope.h"
#include "hub/security/wss_verifier.h"
#include "hub/security/xml_doc.h"
#include "tests/adapters/smdb/render_util.h"

namespace {

namespace security = reghub::security;
using reghub::engine::OutboundMessage;

const char* const kInput = REGHUB_SOURCE_DIR "/tests/adapters/smdb/cases/BASE__keep_complete_forloeb/input.json";

std::vector<OutboundMessage> renderBase() { return smdb_test::render(kInput); }

struct World {
  security::DevPki pki;
  security::Credentials client = pki.issueFunctionCertificate("12345678", "bench").credentials();
  std::shared_ptr<const security::Credentials> stsKey =
      std::make_shared<security::Credentials>(pki.issueStsCertificate("bench STS").credentials());
  std::string assertion;
  std::vector<OutboundMessage> messages = renderBase();
  std::vector<std::string> payloads;
  World() {
    security::StsStandInOptions o;
    o.signingKey = stsKey;
    o.clientCa = std::make_shared<security::TrustStore>(security::TrustStore::fromPem(pki.caPem()));
    security::AssertionSpec a;
    a.audience = "https://smdb.bench.test";
    a.nameId = client.subject();
    a.holderOfKey = security::shareX509(client.certificate());
    a.notBefore = std::chrono::system_clock::now();
    a.notOnOrAfter = a.notBefore + std::chrono::hours(8);
    assertion = security::StsStandIn(o).issueAssertion(a);
    for (const auto& m : messages) {
      std::string error;
      payloads.push_back(*reghub::smdb::bodyPayload(m.body, error));
    }
  }
};
World& world() {
  static World w;
  return w;
}

security::WsaHeaders wsa(const OutboundMessage& m) {
  security::WsaHeaders h;
  h.action = std::string(reghub::smdb::kActionBase) + m.kind;
  h.to = std::string("https://smdb.bench.test") + reghub::smdb::kIndsaetTarget;
  return h;
}

void SmdbRenderForloeb(benchmark::State& state) {
  world();
  int64_t n = 0;
  for (auto _ : state) n += static_cast<int64_t>(renderBase().size());
  state.SetItemsProcessed(n);  // items/s = rendered messages per second
}
BENCHMARK(SmdbRenderForloeb)->Unit(benchmark::kMicrosecond);

void SmdbUnsignedEnvelope(benchmark::State& state) {
  World& w = world();
  size_t i = 0;
  for (auto _ : state) {
    const OutboundMessage& m = w.messages[i++ % w.messages.size()];
    std::string error;
    const auto payload = reghub::smdb::bodyPayload(m.body, error);
    const security::WsaHeaders h = wsa(m);
    std::string env = std::string("<s:Envelope xmlns:s=\"") + security::ns::kSoap12 + "\" xmlns:wsa=\"" +
                      security::ns::kWsa + "\"><s:Header><wsa:Action>" + h.action + "</wsa:Action><wsa:MessageID>urn:uuid:" +
                      security::randomUuid() + "</wsa:MessageID><wsa:To>" + h.to + "</wsa:To></s:Header><s:Body>" +
                      *payload + "</s:Body></s:Envelope>";
    benchmark::DoNotOptimize(env);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(SmdbUnsignedEnvelope)->Unit(benchmark::kMicrosecond);

void SmdbSignedEnvelope(benchmark::State& state) {
  World& w = world();
  size_t i = 0;
  for (auto _ : state) {
    const OutboundMessage& m = w.messages[i++ % w.messages.size()];
    std::string error;
    const auto payload = reghub::smdb::bodyPayload(m.body, error);
    auto req = security::buildIdwsRequest(security::SoapVersion::k12, wsa(m), *payload, w.assertion, w.client,
                                          std::chrono::system_clock::now());
    benchmark::DoNotOptimize(req);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(SmdbSignedEnvelope)->Unit(benchmark::kMicrosecond);

void SmdbVerifyEnvelope(benchmark::State& state) {
  World& w = world();
  std::vector<std::string> envelopes;
  for (int k = 0; k < 2000; ++k) {
    const OutboundMessage& m = w.messages[static_cast<size_t>(k) % w.messages.size()];
    envelopes.push_back(security::buildIdwsRequest(security::SoapVersion::k12, wsa(m),
                                                   w.payloads[static_cast<size_t>(k) % w.payloads.size()], w.assertion,
                                                   w.client, std::chrono::system_clock::now())
                            .envelope);
  }
  security::AssertionPolicy p;
  p.stsCertificate = security::shareX509(w.stsKey->certificate());
  p.issuer = "https://sts.reghub.test";
  p.audience = "https://smdb.bench.test";
  auto verifier = std::make_unique<security::WssVerifier>(security::WssPolicy{});
  size_t i = 0, refused = 0;
  for (auto _ : state) {
    // Each envelope once: a second time would be a replay.
    if (i == envelopes.size()) {
      state.PauseTiming();
      verifier = std::make_unique<security::WssVerifier>(security::WssPolicy{});
      i = 0;
      state.ResumeTiming();
    }
    if (!verifier->verifyIdwsRequest(envelopes[i++], p, std::chrono::system_clock::now()).ok()) ++refused;
  }
  state.counters["refused"] = static_cast<double>(refused);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(SmdbVerifyEnvelope)->Unit(benchmark::kMicrosecond);

}  // namespace
