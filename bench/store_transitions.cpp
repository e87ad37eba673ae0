// State transitions per second of the delivery store, on SQLite and on
// PostgreSQL (REGHUB_BENCH_PG=postgresql://…; skipped with a message when
// unset): enqueue (→ pending), and claim + complete (pending → sending →
// accepted) one message per transaction (unbatched) or N per transaction
// (batched). Counters: transitions/s (each claim and each completion is one
// audited transition). Run:
//   build/bench/reghub_store_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "hub/store/delivery_store.h"

namespace {

using namespace reghub;

std::shared_ptr<const store::Keyring> benchKeyring() {
  static const auto ring =
      std::make_shared<const store::Keyring>("bench", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");
  return ring;
}

delivery::OutboundMessage message(int64_t i) {
  delivery::OutboundMessage m;
  m.registry = "bench";
  m.kind = "Report";
  m.idempotencyKey = "k-" + std::to_string(i);
  m.contentHash = "h-" + std::to_string(i);
  m.citizenCpr = "0101601235";  // synthetic: never issued (born 1960, fails modulus 11); never printed
  m.citizenMasked = "0101**-****";
  m.forloebKey = "ep-" + std::to_string(i);
  m.kommune = "0101";
  m.method = "PUT";
  m.target = "/r/" + m.idempotencyKey;
  m.contentType = "application/fhir+json";
  m.body = std::string(2000, 'x');  // a typical report size
  return m;
}

// A fresh store per benchmark run: a temp SQLite file or a fresh PG schema.
struct Fixture {
  std::string dir;
  std::unique_ptr<store::DeliveryStore> store;

  static std::unique_ptr<Fixture> make(benchmark::State& state, bool pg) {
    auto f = std::make_unique<Fixture>();
    std::string url;
    if (pg) {
      const char* base = std::getenv("REGHUB_BENCH_PG");
      if (!base || !*base) {
        state.SkipWithError("set REGHUB_BENCH_PG=postgresql://… to run the PostgreSQL benchmarks");
        return nullptr;
      }
      auto db = store::openPostgres(base);
      db->script("DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench");
      url = std::string(base) + "?options=-csearch_path%3Dbench";
    } else {
      f->dir = (std::filesystem::temp_directory_path() / ("reghub-bench-" + std::to_string(::getpid()))).string();
      std::filesystem::remove_all(f->dir);
      std::filesystem::create_directories(f->dir);
      url = "sqlite:" + f->dir + "/bench.db";
    }
    f->store = store::DeliveryStore::open({url, benchKeyring()});
    return f;
  }
  ~Fixture() {
    store.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

void BM_Enqueue(benchmark::State& state, bool pg) {
  auto f = Fixture::make(state, pg);
  if (!f) return;
  int64_t i = 0;
  for (auto _ : state) f->store->enqueue(message(i++), "", 1000);
  state.counters["transitions/s"] = benchmark::Counter(static_cast<double>(i), benchmark::Counter::kIsRate);
}

// pending → sending → accepted, `batch` messages per transaction.
void BM_ClaimComplete(benchmark::State& state, bool pg) {
  const auto batch = static_cast<size_t>(state.range(0));
  auto f = Fixture::make(state, pg);
  if (!f) return;
  const int64_t total = 6000;
  for (int64_t i = 0; i < total; ++i) f->store->enqueue(message(i), "", 1000);
  int64_t transitions = 0;
  for (auto _ : state) {
    auto claimed = f->store->claim(batch, "bench", 2000, 60000);
    if (claimed.empty()) {
      state.SkipWithError("ran out of pending messages; lower the iterations");
      break;
    }
    store::AttemptOutcome o;
    o.next = store::MessageState::kAccepted;
    o.httpStatus = 201;
    if (batch == 1) {
      f->store->complete(claimed[0], "bench", o, 2100);
    } else {
      std::vector<std::pair<store::ClaimedMessage, store::AttemptOutcome>> items;
      for (auto& c : claimed) items.emplace_back(std::move(c), o);
      f->store->completeBatch(items, "bench", 2100);
    }
    transitions += 2 * static_cast<int64_t>(batch);
  }
  state.counters["transitions/s"] = benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_Enqueue, sqlite, false)->Iterations(3000)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Enqueue, postgres, true)->Iterations(3000)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ClaimComplete, sqlite_unbatched, false)->Arg(1)->Iterations(3000)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ClaimComplete, sqlite_batched, false)->Arg(64)->Iterations(90)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ClaimComplete, postgres_unbatched, true)->Arg(1)->Iterations(3000)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ClaimComplete, postgres_batched, true)->Arg(64)->Iterations(90)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
