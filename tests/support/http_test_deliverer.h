#pragma once
// A Deliverer for the outbox tests: one real HTTPS request per attempt
// (hub/net HttpsClient, trusting only the given CA) to a LoopbackRegistry,
// classified the Fluent Bit way: 2xx accepted (receipt id from {"id":…}),
// 408/429/5xx and no answer retry, other 4xx rejected. Not thread-safe
// (the outbox makes one per worker).
#include <memory>
#include <string>

#include "hub/engine/adapter.h"

namespace reghub::testing {

std::unique_ptr<engine::Deliverer> makeHttpTestDeliverer(const std::string& baseUrl, const std::string& caFile,
                                                         int timeoutMillis = 5000);

}  // namespace reghub::testing
