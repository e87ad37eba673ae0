#pragma once
// The engine's view of what the registries already have, read from the
// delivery store and the registry mirror (what a sync read back from the
// registry). The store knows nothing of the engine (it sits below it,
// sharing only hub/delivery's value types); this adapter is the one place
// the two meet. Does I/O through the store (StoreError); thread-safe as the
// store is.
#include "hub/engine/adapter.h"
#include "hub/store/delivery_store.h"
#include "hub/store/registry_mirror.h"

namespace reghub::engine {

class StorePriorDeliveries final : public PriorDeliveries {
 public:
  // Not owned; they outlive this adapter. `mirror` may be null (no sync known).
  explicit StorePriorDeliveries(const store::DeliveryStore& store, store::RegistryMirror* mirror = nullptr)
      : store_(store), mirror_(mirror) {}

  std::optional<std::string> lastContentHash(std::string_view idempotencyKey) const override {
    return store_.lastContentHash(idempotencyKey);
  }
  // The receipt's id; else the id a sync found for the record we sent under
  // this key (a receipt lost on the way: killed mid-delivery, a dropped answer).
  std::optional<std::string> registryId(std::string_view idempotencyKey) const override {
    if (auto id = store_.registryId(idempotencyKey)) return id;
    if (mirror_) return mirror_->idForSource(std::string(idempotencyKey));
    return std::nullopt;
  }
  std::vector<RegistryRecord> registryRecords(std::string_view registry, const std::string& cpr) const override {
    if (!mirror_) return {};
    return mirror_->forCitizen(std::string(registry), cpr);
  }

 private:
  const store::DeliveryStore& store_;
  store::RegistryMirror* mirror_;
};

}  // namespace reghub::engine
