#include <cstdlib>
#include <filesystem>

#include "hub/cli/args.h"
#include "hub/cli/hub_commands.h"

namespace reghub::cli {

void requireExistingStore(const app::HubConfig& config) {
  const std::string& url = config.storeUrl;
  if (url.rfind("sqlite:", 0) != 0) return;  // a server: its own error when it is not there
  const std::string path = url.substr(7);
  if (path.empty() || path == ":memory:" || std::filesystem::exists(path)) return;
  throw UsageError("there is no store at " + path + " (store.url " + url +
                   "); give --config FILE or --store URL of the hub's store");
}

std::string cliActor() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user && *user ? user : "unknown");
}

}  // namespace reghub::cli
