#pragma once
// The engine's view of what the registries already have, read from the
// delivery store. The store knows nothing of the engine (it sits below it,
// sharing only hub/delivery's value types); this adapter is the one place
// the two meet for rendering. Does I/O through the store (StoreError);
// thread-safe as the store is.
#include "hub/engine/adapter.h"
#include "hub/store/delivery_store.h"

namespace reghub::engine {

class StorePriorDeliveries final : public PriorDeliveries {
 public:
  // Not owned; the store outlives this adapter.
  explicit StorePriorDeliveries(const store::DeliveryStore& store) : store_(store) {}

  std::optional<std::string> lastContentHash(std::string_view idempotencyKey) const override {
    return store_.lastContentHash(idempotencyKey);
  }
  std::optional<std::string> registryId(std::string_view idempotencyKey) const override {
    return store_.registryId(idempotencyKey);
  }

 private:
  const store::DeliveryStore& store_;
};

}  // namespace reghub::engine
