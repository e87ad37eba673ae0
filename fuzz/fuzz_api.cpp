// libFuzzer target: raw bytes as an HTTP request to the hub's API over a
// real loopback socket — Poco's request parsing, the connection guard, the
// head check (authentication, backpressure), the body limit, routing, and
// intake into a real SQLite store with every adapter. Each input must end as
// an answer or a closed connection, never a crash or a hang (the server's
// deadlines are short here, and the client waits at most 2 s).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "hub/api/api_server.h"
#include "hub/api/intake.h"
#include "hub/engine/adapter_registry.h"
#include "hub/store/delivery_store.h"

namespace {

struct Api {
  std::filesystem::path dir;
  std::unique_ptr<reghub::store::DeliveryStore> store;
  std::unique_ptr<reghub::api::Intake> intake;
  std::unique_ptr<reghub::api::ApiServer> server;

  Api() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("reghub-fuzz-api-" + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    auto keys = std::make_shared<const reghub::store::Keyring>(
        "fuzz", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=");
    store = reghub::store::DeliveryStore::open({"sqlite:" + (dir / "store.db").string(), keys});
    std::vector<std::shared_ptr<const reghub::engine::Adapter>> adapters;
    for (const auto& name : reghub::engine::AdapterRegistry::registeredNames())
      adapters.push_back(reghub::engine::AdapterRegistry::create(name));
    intake = std::make_unique<reghub::api::Intake>(*store, adapters);
    reghub::api::HttpOptions o;
    o.port = 0;  // plain HTTP on loopback: the parser is the same
    reghub::api::ApiClient client;  // every role, so each endpoint's code is reached
    client.name = "fuzz";
    client.token = "fuzz-token";
    client.roles = {reghub::api::Role::kAdmin};
    o.clients = reghub::api::ApiClients({client});
    o.maxBodyBytes = 64 * 1024;
    o.threads = 4;
    o.headerTimeout = std::chrono::milliseconds(300);
    o.bodyTimeout = std::chrono::milliseconds(300);
    o.idleTimeout = std::chrono::milliseconds(300);
    server = std::make_unique<reghub::api::ApiServer>(o, 1'000'000, *store, *intake, nullptr);
    server->start();
  }
  ~Api() {
    server->stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Api api;
  try {
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(api.server->port())));
    s.setReceiveTimeout(Poco::Timespan(2, 0));
    s.setSendTimeout(Poco::Timespan(2, 0));
    if (size) s.sendBytes(data, static_cast<int>(size));
    s.shutdownSend();
    char buf[4096];
    while (s.receiveBytes(buf, sizeof buf) > 0) {
    }
  } catch (const Poco::Exception&) {
    // Reset, timed out or refused: the server closed on us, which is an answer too.
  }
  return 0;
}
