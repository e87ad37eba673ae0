#pragma once
// A small registry stand-in for the outbox tests: a real HTTPS server
// (hub/net, dev TLS certificates made for the run) on 127.0.0.1, any free
// port. Not a mock: the outbox talks real HTTPS to it through a real client.
//
// PUT/POST /reports/{key} stores the report under its idempotency key; a
// key sent again is answered with the same receipt and not counted again
// (like FK Gateway's PUT Bundle/{id}). It can misbehave on purpose: answer
// 503 on every Nth request, drop the connection without an answer on every
// Mth, and reject chosen keys with 422 and a reason. Thread-safe.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "hub/net/https_server.h"

namespace reghub::testing {

struct LoopbackRegistryOptions {
  int failEvery = 0;  // every Nth request answers 503 (0 = never)
  int dropEvery = 0;  // every Mth request: connection closed, no answer
  std::set<std::string> rejectKeys;  // answered 422 with a reason naming the rule
  int delayMillis = 0;               // before answering (to catch a worker mid-send)
};

class LoopbackRegistry {
 public:
  explicit LoopbackRegistry(LoopbackRegistryOptions options = {});
  ~LoopbackRegistry();
  void start();
  void stop();
  int port() const;
  std::string baseUrl() const;  // https://127.0.0.1:<port>
  std::string caFile() const;   // the CA clients must trust

  int requests() const { return requests_.load(); }
  // Keys stored (each counted once however often it was sent).
  size_t distinctAccepted() const;
  // How many times the key was answered 2xx (1 = no resend; >1 = a resend,
  // which an idempotent registry absorbs).
  int acceptedAnswers(const std::string& key) const;
  // Keys answered 2xx more than once.
  size_t resentKeys() const;
  // Received content of a key (last one).
  std::string body(const std::string& key) const;
  // Order in which keys were first stored.
  std::vector<std::string> firstStoredOrder() const;

  // Used by the request handler.
  struct Answer {
    int status = 200;
    std::string body;
    bool drop = false;
  };
  Answer handle(const std::string& method, const std::string& uri, const std::string& body);

 private:
  LoopbackRegistryOptions options_;
  std::string tlsDir_;
  std::string caFile_;
  std::unique_ptr<net::HttpsServer> server_;
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::map<std::string, int> answers_;
  std::map<std::string, std::string> bodies_;
  std::map<std::string, std::string> ids_;
  std::vector<std::string> order_;
};

}  // namespace reghub::testing
