#include "tests/support/http_test_deliverer.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <regex>

namespace reghub::testing {

namespace {

class HttpTestDeliverer final : public engine::Deliverer {
 public:
  HttpTestDeliverer(const std::string& baseUrl, int timeoutMillis) : uri_(baseUrl), timeout_(timeoutMillis) {}

  engine::DeliveryResult deliver(const engine::OutboundMessage& m) override {
    try {
      if (!session_) {
        session_ = std::make_unique<Poco::Net::HTTPClientSession>(uri_.getHost(), uri_.getPort());
        session_->setTimeout(Poco::Timespan(static_cast<long>(timeout_) * 1000));
      }
      Poco::Net::HTTPRequest req(m.method, m.target, Poco::Net::HTTPMessage::HTTP_1_1);
      req.setContentType(m.contentType);
      req.setContentLength(static_cast<std::streamsize>(m.body.size()));
      for (const auto& [k, v] : m.headers) req.set(k, v);
      session_->sendRequest(req) << m.body;
      Poco::Net::HTTPResponse resp;
      std::string body;
      Poco::StreamCopier::copyToString(session_->receiveResponse(resp), body);
      const int status = resp.getStatus();
      if (status >= 200 && status < 300) {
        static const std::regex id(R"re("id"\s*:\s*"([^"]*)")re");
        std::smatch match;
        return engine::DeliveryResult::accepted(status, std::regex_search(body, match, id) ? match[1].str() : "");
      }
      if (status == 408 || status == 429 || status >= 500) return engine::DeliveryResult::retry(status, body);
      return engine::DeliveryResult::rejected(status, body);
    } catch (const Poco::Exception& e) {
      session_.reset();  // a fresh connection next time
      return engine::DeliveryResult::retry(0, e.displayText());
    } catch (const std::exception& e) {
      session_.reset();
      return engine::DeliveryResult::retry(0, e.what());
    }
  }

 private:
  Poco::URI uri_;
  int timeout_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

}  // namespace

std::unique_ptr<engine::Deliverer> makeHttpTestDeliverer(const std::string& baseUrl, int timeoutMillis) {
  return std::make_unique<HttpTestDeliverer>(baseUrl, timeoutMillis);
}

}  // namespace reghub::testing
