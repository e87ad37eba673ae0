// A delivery worker process for the crash tests: opens the store, runs an
// Outbox against the loopback registry until nothing is left (or it is
// killed). Usage: reghub_test_outbox_worker STORE_URL REGISTRY_BASE_URL
//                 CA_FILE WORKER_ID THREADS LEASE_MS
#include <cstdlib>
#include <iostream>

#include "hub/engine/outbox.h"
#include "tests/support/http_test_deliverer.h"
#include "tests/support/store_test_support.h"

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: " << argv[0] << " STORE_URL REGISTRY_BASE_URL CA_FILE WORKER_ID THREADS LEASE_MS\n";
    return 2;
  }
  try {
    using namespace reghub;
    auto store = store::DeliveryStore::open({argv[1], testing::testKeyring()});
    const std::string base = argv[2];
    const std::string ca = argv[3];
    engine::OutboxOptions o;
    o.workerId = argv[4];
    o.workers = static_cast<size_t>(std::atoi(argv[5]));
    o.leaseMillis = std::atoll(argv[6]);
    o.pollMillis = 20;
    o.maintenanceMillis = 100;
    o.claimBatch = 4;
    o.retry = engine::RetryPolicies(engine::RetryPolicy{50, 5, 50});
    engine::Outbox outbox(*store, [base, ca](const std::string&) { return testing::makeHttpTestDeliverer(base, ca, 5000); },
                          o);
    outbox.start();
    const bool drained = outbox.drain(300'000);
    outbox.stop();
    const auto s = outbox.stats();
    std::cout << "attempts=" << s.attempts << " accepted=" << s.accepted << " retries=" << s.retries << "\n";
    return drained ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "worker: " << e.what() << "\n";
    return 70;
  }
}
