#include "hub/net/https_client.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <stdexcept>

namespace reghub::net {

std::string_view toString(TransportFailure f) {
  switch (f) {
    case TransportFailure::kNone: return "none";
    case TransportFailure::kConnect: return "connect";
    case TransportFailure::kTimeout: return "timeout";
    case TransportFailure::kTls: return "tls";
    case TransportFailure::kConnectionLost: return "connection-lost";
  }
  return "unknown";
}

struct HttpsClient::Impl {
  Poco::Net::Context::Ptr context;
  std::unique_ptr<Poco::Net::HTTPSClientSession> session;
};

namespace {
Poco::Timespan span(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

HttpsClient::HttpsClient(const std::string& baseUrl, HttpsClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  const Poco::URI uri(baseUrl);
  if (uri.getScheme() != "https") throw std::invalid_argument("HTTPS base URL required, got '" + baseUrl + "'");
  host_ = uri.getHost();
  port_ = uri.getPort();
  prefix_ = uri.getPath();
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  Poco::Net::initializeSSL();
  impl_->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, options_.clientKeyFile,
                                          options_.clientCertFile, options_.caFile,
                                          Poco::Net::Context::VERIFY_RELAXED, 9, options_.caFile.empty());
  impl_->context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                                   Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
}

HttpsClient::~HttpsClient() = default;

HttpResult HttpsClient::send(const std::string& method, const std::string& target, const std::string& body,
                             const std::string& contentType, std::map<std::string, std::string> headers) {
  HttpResult result;
  const std::string path = prefix_ + target;
  if (hook_) hook_(method, path, body, headers);
  try {
    if (!impl_->session) {
      impl_->session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, impl_->context);
      impl_->session->setKeepAlive(true);
    }
    auto& s = *impl_->session;
    s.setTimeout(span(options_.connectTimeout), span(options_.timeout), span(options_.timeout));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    if (!contentType.empty()) req.setContentType(contentType);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    std::ostream& os = s.sendRequest(req);
    os.write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse resp;
    std::istream& is = s.receiveResponse(resp);
    Poco::StreamCopier::copyToString(is, result.body);
    result.status = static_cast<int>(resp.getStatus());
    result.contentType = resp.getContentType();
    for (const auto& [k, v] : resp) result.headers[lower(k)] = v;
    if (!resp.getKeepAlive()) impl_->session.reset();
    return result;
  } catch (const Poco::TimeoutException& e) {
    result.failure = TransportFailure::kTimeout;
    result.error = e.displayText();
  } catch (const Poco::Net::SSLException& e) {
    result.failure = TransportFailure::kTls;
    result.error = e.displayText();
  } catch (const Poco::Net::ConnectionRefusedException& e) {
    result.failure = TransportFailure::kConnect;
    result.error = e.displayText();
  } catch (const Poco::Net::HostNotFoundException& e) {
    result.failure = TransportFailure::kConnect;
    result.error = e.displayText();
  } catch (const Poco::Net::NoAddressFoundException& e) {
    result.failure = TransportFailure::kConnect;
    result.error = e.displayText();
  } catch (const Poco::Net::ConnectionAbortedException& e) {
    result.failure = TransportFailure::kConnectionLost;
    result.error = e.displayText();
  } catch (const Poco::Net::ConnectionResetException& e) {
    result.failure = TransportFailure::kConnectionLost;
    result.error = e.displayText();
  } catch (const Poco::Net::NoMessageException& e) {  // closed before an answer
    result.failure = TransportFailure::kConnectionLost;
    result.error = e.displayText();
  } catch (const Poco::Net::MessageException& e) {  // malformed / truncated answer
    result.failure = TransportFailure::kConnectionLost;
    result.error = e.displayText();
  } catch (const Poco::Net::NetException& e) {
    result.failure = TransportFailure::kConnect;
    result.error = e.displayText();
  } catch (const Poco::IOException& e) {
    result.failure = TransportFailure::kConnectionLost;
    result.error = e.displayText();
  }
  impl_->session.reset();  // never reuse a broken connection
  return result;
}

}  // namespace reghub::net
