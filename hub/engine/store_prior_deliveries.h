#pragma once
// The engine's view of what the registries already have, read from the
// delivery store and the registry mirror (what a sync read back from the
// registry). The store knows nothing of the engine (it sits below it,
// sharing only hub/delivery's value types); this adapter is the one place
// the two meet. Does I/O through the store (StoreError); thread-safe as the
// store is.
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "hub/engine/adapter.h"
#include "hub/store/delivery_store.h"
#include "hub/store/registry_mirror.h"

namespace reghub::engine {

class StorePriorDeliveries final : public PriorDeliveries {
 public:
  // Not owned; they outlive this adapter. `mirror` may be null (no sync known).
  // `ingestId`: the ingest rendering (a message it queued itself, in an
  // earlier attempt killed before its render group was recorded, is rendered
  // again rather than skipped as sent, so the retry's report counts it).
  explicit StorePriorDeliveries(const store::DeliveryStore& store, store::RegistryMirror* mirror = nullptr,
                                std::string ingestId = {})
      : store_(store), mirror_(mirror), ingestId_(std::move(ingestId)) {}

  std::optional<std::string> lastContentHash(std::string_view idempotencyKey) const override {
    return store_.lastContentHash(idempotencyKey, ingestId_);
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
  // Read once per instance (an intake run, a delivery attempt): a list is large and rarely changes.
  std::shared_ptr<const std::set<std::string>> registryList(std::string_view registry,
                                                            std::string_view name) const override {
    if (!mirror_) return nullptr;
    const std::string key = std::string(registry) + "\n" + std::string(name);
    std::lock_guard lock(listsMu_);
    if (const auto it = lists_.find(key); it != lists_.end()) return it->second;
    std::shared_ptr<const std::set<std::string>> codes;
    if (const auto l = mirror_->list(std::string(registry), std::string(name))) {
      auto set = std::make_shared<std::set<std::string>>();
      for (const auto& e : l->entries) set->insert(e.first);
      codes = std::move(set);
    }
    return lists_[key] = codes;
  }

 private:
  const store::DeliveryStore& store_;
  store::RegistryMirror* mirror_;
  std::string ingestId_;
  mutable std::mutex listsMu_;
  mutable std::map<std::string, std::shared_ptr<const std::set<std::string>>> lists_;
};

}  // namespace reghub::engine
