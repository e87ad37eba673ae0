#include "tests/support/http_test_deliverer.h"

#include <regex>

#include "hub/net/https_client.h"

namespace reghub::testing {

namespace {

class HttpTestDeliverer final : public engine::Deliverer {
 public:
  HttpTestDeliverer(const std::string& baseUrl, const std::string& caFile, int timeoutMillis)
      : client_(baseUrl, options(caFile, timeoutMillis)) {}

  engine::DeliveryResult deliver(const engine::OutboundMessage& m) override {
    const net::HttpResult r = client_.send(m.method, m.target, m.body, m.contentType, m.headers);
    if (!r.answered()) return engine::DeliveryResult::retry(0, std::string(net::toString(r.failure)) + ": " + r.error);
    if (r.status >= 200 && r.status < 300) {
      static const std::regex id(R"re("id"\s*:\s*"([^"]*)")re");
      std::smatch match;
      return engine::DeliveryResult::accepted(r.status, std::regex_search(r.body, match, id) ? match[1].str() : "");
    }
    if (r.status == 408 || r.status == 429 || r.status >= 500) return engine::DeliveryResult::retry(r.status, r.body);
    return engine::DeliveryResult::rejected(r.status, r.body);
  }

 private:
  static net::HttpsClientOptions options(const std::string& caFile, int timeoutMillis) {
    net::HttpsClientOptions o;
    o.caFile = caFile;
    o.connectTimeout = std::chrono::milliseconds(timeoutMillis);
    o.timeout = std::chrono::milliseconds(timeoutMillis);
    return o;
  }
  net::HttpsClient client_;
};

}  // namespace

std::unique_ptr<engine::Deliverer> makeHttpTestDeliverer(const std::string& baseUrl, const std::string& caFile,
                                                         int timeoutMillis) {
  return std::make_unique<HttpTestDeliverer>(baseUrl, caFile, timeoutMillis);
}

}  // namespace reghub::testing
