#pragma once
// The registry of adapters (Envoy style): a function-local static map that
// refuses duplicate names. Adapters add themselves from their registrar
// file with REGHUB_REGISTER_ADAPTER. Registration happens during static
// initialisation; lookups afterwards are read-only and thread-safe.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/engine/adapter.h"

namespace reghub::engine {

class AdapterRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Adapter>()>;

  // Throws std::logic_error on a duplicate name (a build mistake).
  static void add(std::string name, Factory factory);
  static std::vector<std::string> registeredNames();  // sorted
  // nullptr if no adapter has that name.
  static std::unique_ptr<Adapter> create(std::string_view name);
  // One instance of every registered adapter, sorted by name.
  static std::vector<std::unique_ptr<Adapter>> createAll();
};

struct AdapterRegistrar {
  AdapterRegistrar(std::string name, AdapterRegistry::Factory factory) {
    AdapterRegistry::add(std::move(name), std::move(factory));
  }
};

}  // namespace reghub::engine

// In an adapter's register.cpp (the last lines, Envoy style):
//   REGHUB_REGISTER_ADAPTER("smdb", reghub::smdb::SmdbAdapter);
#define REGHUB_REGISTER_ADAPTER(NAME, TYPE)                                 \
  namespace {                                                               \
  const ::reghub::engine::AdapterRegistrar kAdapterRegistrar(NAME, [] {     \
    return std::unique_ptr<::reghub::engine::Adapter>(std::make_unique<TYPE>()); \
  });                                                                       \
  }
