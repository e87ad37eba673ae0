#pragma once
// An HTTPS client helper around Poco::Net::HTTPSClientSession: trusts only
// the configured CA file (or the system store when none is given), verifies
// the server's name, applies timeouts, and classifies transport failures so
// a deliverer can tell "retry" from "rejected". One request at a time; not
// thread-safe (make one per worker). Keeps the connection alive between calls.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hub/net/http_types.h"

namespace Poco::Net {
class HTTPSClientSession;
class HTTPRequest;
class Context;
}  // namespace Poco::Net

namespace reghub::net {

struct HttpsClientOptions {
  std::string caFile;  // PEM CA bundle to trust; empty = the system's default CAs
  std::chrono::milliseconds connectTimeout{5000};
  std::chrono::milliseconds timeout{30000};  // send/receive
  // Optional client certificate (mutual TLS) for later registries.
  std::string clientCertFile;
  std::string clientKeyFile;
};

enum class TransportFailure {
  kNone,            // an HTTP answer arrived (any status)
  kConnect,         // could not connect (refused, unreachable, DNS)
  kTimeout,         // connect or read timed out
  kTls,             // handshake or certificate verification failed
  kConnectionLost,  // connection closed/reset before a full answer
};

std::string_view toString(TransportFailure f);

struct HttpResult {
  TransportFailure failure = TransportFailure::kNone;
  int status = 0;  // 0 when failure != kNone
  std::string contentType;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string error;                           // transport error text (no body)
  bool answered() const { return failure == TransportFailure::kNone; }
};

// Lets a later issue add tokens or request signing without changing
// callers: called with the request headers just before each send.
using RequestHook = std::function<void(const std::string& method, const std::string& target, const std::string& body,
                                       std::map<std::string, std::string>& headers)>;

class HttpsClient {
 public:
  // baseUrl: "https://host:port[/prefix]". Throws std::invalid_argument on a
  // non-https URL, Poco::Exception when the CA/cert files cannot be loaded.
  HttpsClient(const std::string& baseUrl, HttpsClientOptions options);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  void setRequestHook(RequestHook hook) { hook_ = std::move(hook); }

  // One attempt. `target` is appended to the base URL's path. Never throws
  // for network problems: they come back classified in HttpResult.
  HttpResult send(const std::string& method, const std::string& target, const std::string& body,
                  const std::string& contentType, std::map<std::string, std::string> headers = {});

 private:
  std::string host_;
  uint16_t port_ = 443;
  std::string prefix_;
  HttpsClientOptions options_;
  RequestHook hook_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace reghub::net
