// The SMDB adapter's factory: its keys (settings.h) and how it is built
// from them, once, at start-up. The last lines of the adapter (Envoy style).
#include "adapters/smdb/setup_check.h"
#include "adapters/smdb/smdb_adapter.h"
#include "adapters/smdb/systemskifte_tool.h"
#include "hub/engine/adapter_registry.h"

namespace {
const reghub::engine::AdapterRegistrar kRegistrar({
    "smdb",
    &reghub::smdb::settingKeys,
    [](const reghub::config::Config& config) -> std::unique_ptr<reghub::engine::Adapter> {
      return std::make_unique<reghub::smdb::SmdbAdapter>(
          std::make_shared<const reghub::smdb::Settings>(reghub::smdb::Settings::fromConfig(config)));
    },
    [](const reghub::engine::Adapter& adapter, std::ostream& out) {
      return reghub::smdb::checkSetup(static_cast<const reghub::smdb::SmdbAdapter&>(adapter), out);
    },
    [] {
      return std::vector<reghub::engine::AdapterCommand>{
          {"systemskifte", "systemskifte model 1, 2 or mellemløsning over SMDB's active sager",
           &reghub::smdb::runSystemskifteCommand}};
    },
});
}  // namespace
