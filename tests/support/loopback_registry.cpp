#include "tests/support/loopback_registry.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <thread>

namespace reghub::testing {

namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(LoopbackRegistry& registry) : registry_(registry) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    std::string body;
    Poco::StreamCopier::copyToString(req.stream(), body);
    const auto answer = registry_.handle(req.getMethod(), req.getURI(), body);
    if (answer.drop) {
      // Close the connection without an answer (a network failure mid-send).
      auto socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(req).detachSocket();
      socket.close();
      return;
    }
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
    resp.setContentType("application/json");
    resp.setContentLength(static_cast<std::streamsize>(answer.body.size()));
    resp.send() << answer.body;
  }

 private:
  LoopbackRegistry& registry_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(LoopbackRegistry& registry) : registry_(registry) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new Handler(registry_);  // Poco takes ownership
  }

 private:
  LoopbackRegistry& registry_;
};

}  // namespace

LoopbackRegistry::LoopbackRegistry(LoopbackRegistryOptions options) : options_(std::move(options)) {}

LoopbackRegistry::~LoopbackRegistry() { stop(); }

void LoopbackRegistry::start() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto* params = new Poco::Net::HTTPServerParams;  // the server takes ownership
  params->setMaxThreads(16);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), socket, params);  // owns the factory
  server_->start();
}

void LoopbackRegistry::stop() {
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
}

int LoopbackRegistry::port() const { return server_ ? server_->port() : 0; }

std::string LoopbackRegistry::baseUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }

LoopbackRegistry::Answer LoopbackRegistry::handle(const std::string& method, const std::string& uri,
                                                  const std::string& body) {
  const int n = ++requests_;
  if (options_.delayMillis > 0) std::this_thread::sleep_for(std::chrono::milliseconds(options_.delayMillis));
  if (options_.dropEvery > 0 && n % options_.dropEvery == 0) return {0, {}, true};
  if (options_.failEvery > 0 && n % options_.failEvery == 0)
    return {503, R"({"error":"temporarily unavailable"})", false};
  const std::string prefix = "/reports/";
  if ((method != "PUT" && method != "POST") || uri.rfind(prefix, 0) != 0)
    return {404, R"({"error":"unknown path"})", false};
  const std::string key = uri.substr(prefix.size());
  if (options_.rejectKeys.count(key))
    return {422, R"({"error":"TEST-RULE-01: the report breaks rule TEST-RULE-01"})", false};
  std::lock_guard lock(mutex_);
  auto [it, fresh] = ids_.try_emplace(key, "reg-" + std::to_string(ids_.size() + 1));
  if (fresh) order_.push_back(key);
  ++answers_[key];
  bodies_[key] = body;
  return {fresh ? 201 : 200, R"({"id":")" + it->second + R"("})", false};
}

size_t LoopbackRegistry::distinctAccepted() const {
  std::lock_guard lock(mutex_);
  return ids_.size();
}

int LoopbackRegistry::acceptedAnswers(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = answers_.find(key);
  return it == answers_.end() ? 0 : it->second;
}

size_t LoopbackRegistry::resentKeys() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [k, c] : answers_) n += c > 1 ? 1 : 0;
  return n;
}

std::string LoopbackRegistry::body(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = bodies_.find(key);
  return it == bodies_.end() ? std::string() : it->second;
}

std::vector<std::string> LoopbackRegistry::firstStoredOrder() const {
  std::lock_guard lock(mutex_);
  return order_;
}

}  // namespace reghub::testing
