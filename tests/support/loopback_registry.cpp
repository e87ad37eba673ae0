#include "tests/support/loopback_registry.h"

#include <chrono>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>

#include "hub/net/dev_tls.h"

namespace reghub::testing {

LoopbackRegistry::LoopbackRegistry(LoopbackRegistryOptions options) : options_(std::move(options)) {}

LoopbackRegistry::~LoopbackRegistry() {
  stop();
  if (!tlsDir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tlsDir_, ec);
  }
}

void LoopbackRegistry::start() {
  if (tlsDir_.empty()) {
    tlsDir_ = (std::filesystem::temp_directory_path() /
               ("reghub-loopback-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid())))
                  .string();
  }
  const auto tls = net::writeDevTls(tlsDir_);
  caFile_ = tls.caCertFile;
  net::HttpsServerOptions o;
  o.certFile = tls.serverCertFile;
  o.keyFile = tls.serverKeyFile;
  o.maxThreads = 16;
  server_ = std::make_unique<net::HttpsServer>(o, [this](const net::HttpRequest& req) {
    const Answer a = handle(req.method, req.path, req.body);
    net::HttpResponse resp;
    resp.status = a.status;
    resp.contentType = "application/json";
    resp.body = a.body;
    resp.dropConnection = a.drop;
    return resp;
  });
  server_->start();
}

void LoopbackRegistry::stop() {
  if (server_) {
    server_->stop();
    server_.reset();
  }
}

int LoopbackRegistry::port() const { return server_ ? server_->port() : 0; }

std::string LoopbackRegistry::baseUrl() const { return "https://127.0.0.1:" + std::to_string(port()); }

std::string LoopbackRegistry::caFile() const { return caFile_; }

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
