#pragma once
// A Deliverer for the outbox tests: one real HTTP request per attempt to a
// LoopbackRegistry (message.method + message.target under the base URL),
// classified the Fluent Bit way: 2xx accepted (receipt id from {"id":…}),
// 408/429/5xx and no answer retry, other 4xx rejected. Not thread-safe
// (the outbox makes one per worker).
#include <memory>
#include <string>

#include "hub/engine/adapter.h"

namespace reghub::testing {

std::unique_ptr<engine::Deliverer> makeHttpTestDeliverer(const std::string& baseUrl, int timeoutMillis = 5000);

}  // namespace reghub::testing
