// The cost of FK Gateway access per PUT (issue 11): one DeliveryReport PUT
// to the LTT sandbox over loopback HTTPS (keep-alive), through the LTT
// deliverer —
//   LttPutPlain       — the sandbox with ltt.sandbox.auth = off, no token;
//   LttPutTokenCached — the sandbox enforcing bearer tokens, the deliverer
//                       taking its token from the warm process-wide cache
//                       (the STS call and the exchange happen once, before
//                       the timing; counters show how many).
// The ratio LttPutTokenCached / LttPutPlain is the per-message cost of
// authentication; both include the sandbox's IG validation of the report.
// Numbers in docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "adapters/ltt/ltt_adapter.h"
#include "adapters/ltt/sandbox.h"

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void lttPut(benchmark::State& state, bool auth) {
  std::map<std::string, std::string> config = {{"ltt.reportingStart", "2025-01-01"}};
  if (!auth) config["ltt.sandbox.auth"] = "off";
  auto settings = [&config] {
    return std::make_shared<const reghub::ltt::Settings>(
        reghub::ltt::Settings::fromConfig(reghub::config::Config::fromMap(config)));
  };
  reghub::ltt::LttSandbox sandbox({}, settings());
  sandbox.start();
  for (const auto& kv : sandbox.clientConfig()) config[kv.first] = kv.second;
  const reghub::ltt::LttAdapter adapter(settings());
  const auto deliverer = adapter.makeDeliverer();
  reghub::engine::OutboundMessage m;
  m.idempotencyKey = "DeliveryReport-Josefine-2";
  m.method = "PUT";
  m.target = "/fhir/Bundle/" + m.idempotencyKey;
  m.body = readFile(std::string(REGHUB_SHARED_DIR) + "/reference/ltt/examples/DeliveryReport-Josefine-2.json");
  if (const auto warm = deliverer->deliver(m); warm.outcome != reghub::engine::DeliveryResult::Outcome::kAccepted) {
    state.SkipWithError(("the warm-up PUT was not accepted: " + warm.detail).c_str());
    return;
  }
  for (auto _ : state) {
    const auto r = deliverer->deliver(m);
    if (r.outcome != reghub::engine::DeliveryResult::Outcome::kAccepted) {
      state.SkipWithError(r.detail.c_str());
      break;
    }
  }
  state.counters["tokens_issued"] = auth ? sandbox.auth()->tokenEndpoint().issuedCount() : 0;
  state.counters["unauthorized"] = sandbox.unauthorizedCount();
  state.SetItemsProcessed(state.iterations());
}

void BM_LttPutPlain(benchmark::State& state) { lttPut(state, false); }
void BM_LttPutTokenCached(benchmark::State& state) { lttPut(state, true); }
BENCHMARK(BM_LttPutPlain)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_LttPutTokenCached)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
