#pragma once
// Plain request/response values exchanged with the HTTPS helpers. Header
// names are stored lower-case.
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace reghub::net {

// Where a large body goes instead of HttpRequest::body (HttpsServerOptions::
// streamBody): the server hands it the body in pieces as they arrive.
class BodySink {
 public:
  virtual ~BodySink() = default;
  // May throw: the request is then answered 500 and abandon() called.
  virtual void write(std::string_view piece) = 0;
  // The body did not arrive whole (over the limit, a broken connection).
  virtual void abandon() noexcept = 0;
};

struct HttpRequest {
  std::string method;  // "PUT"
  std::string uri;     // as sent: path + query, e.g. "/fhir/Bundle/abc?x=1"
  std::string path;    // decoded path, e.g. "/fhir/Bundle/abc"
  std::string query;   // raw query without '?'
  std::map<std::string, std::string> headers;
  std::string body;
  // The client presented a certificate and the TLS handshake verified it
  // against HttpsServerOptions::caFile (OpenSSL refuses the handshake otherwise).
  bool clientCertificate = false;
  // That certificate's subject (RFC 2253: "CN=kommune-0101,O=…") and the
  // SHA-256 of its DER form (lower-case hex); empty without one.
  std::string clientCertificateSubject, clientCertificateSha256;
  // Set when the body was streamed to a sink (then `body` is empty).
  std::shared_ptr<BodySink> bodySink = nullptr;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "text/plain";
  std::string body;
  std::map<std::string, std::string> headers;
  // Fault injection: close the connection without answering.
  bool dropConnection = false;
};

}  // namespace reghub::net
