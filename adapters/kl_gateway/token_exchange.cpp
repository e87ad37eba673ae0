#include "adapters/kl_gateway/token_exchange.h"

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <cctype>

#include "hub/security/codec.h"
#include "adapters/kl_gateway/form.h"
#include "adapters/kl_gateway/jws.h"

namespace reghub::kl_gateway {

namespace {

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), int(bytes.size()));
  out.resize(size_t(n));
  return out;
}

std::string shortened(const std::string& s) { return s.size() > 300 ? s.substr(0, 300) + "…" : s; }

std::string member(const rapidjson::Value& o, const char* name) {
  return o.IsObject() && o.HasMember(name) && o[name].IsString() ? o[name].GetString() : std::string();
}

}  // namespace

std::string unverifiedJwtSubject(const std::string& token) {
  std::string error;
  const auto jws = parseCompactJws(token, error);
  if (!jws) return {};
  rapidjson::Document d;
  d.Parse(jws->payload.c_str(), jws->payload.size());
  return d.HasParseError() ? std::string() : member(d, "sub");
}

TokenFetch classifyTokenAnswer(int status, const std::string& body, Clock::time_point now,
                               std::chrono::milliseconds assumedLifetime) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  const bool json = !d.HasParseError() && d.IsObject();
  if (status == 408 || status == 429 || status >= 500)
    return TokenFetch::retry(status, "token endpoint answered " + std::to_string(status) +
                                         (json ? ": " + member(d, "error") + " " + member(d, "error_description")
                                               : ": " + shortened(body)));
  if (status < 200 || status >= 300) {
    if (json && !member(d, "error").empty()) {
      const std::string desc = member(d, "error_description");
      return TokenFetch::rejected(status, member(d, "error") + (desc.empty() ? "" : ": " + desc));
    }
    return TokenFetch::rejected(status, "token endpoint answered " + std::to_string(status) + ": " + shortened(body));
  }
  if (!json) return TokenFetch::rejected(status, "token endpoint's answer is not a JSON object: " + shortened(body));
  AccessToken t;
  t.value = member(d, "access_token");
  t.type = member(d, "token_type");
  if (t.value.empty()) return TokenFetch::rejected(status, "token endpoint's answer has no access_token");
  std::string lower;
  for (const char c : t.type) lower += char(std::tolower(static_cast<unsigned char>(c)));
  if (lower != "bearer")
    return TokenFetch::rejected(status, "token endpoint issued token_type '" + t.type + "', expected Bearer");
  std::chrono::milliseconds lifetime = assumedLifetime;
  if (d.HasMember("expires_in")) {
    const auto& e = d["expires_in"];
    if (e.IsInt64() && e.GetInt64() > 0) lifetime = std::chrono::seconds(e.GetInt64());
    else return TokenFetch::rejected(status, "token endpoint's expires_in is not a positive whole number");
  }
  t.expires = now + lifetime;
  t.subject = unverifiedJwtSubject(t.value);
  return TokenFetch::ok(std::move(t));
}

TokenExchangeClient::TokenExchangeClient(TokenExchangeConfig config)
    : config_(std::move(config)), client_(config_.tokenUrl, config_.tls) {}

TokenFetch TokenExchangeClient::exchange(const std::string& samlAssertionXml, const std::string& clientAssertion,
                                         Clock::time_point now) {
  const std::string subject = config_.encoding == SubjectTokenEncoding::kBase64Url ? security::base64UrlEncode(samlAssertionXml)
                                                                                  : base64(samlAssertionXml);
  std::string form = "grant_type=" + formEncode(config_.grantType) + "&subject_token=" + formEncode(subject) +
                     "&subject_token_type=" + formEncode(config_.subjectTokenType) +
                     "&client_assertion_type=" + formEncode(config_.clientAssertionType) +
                     "&client_assertion=" + formEncode(clientAssertion);
  if (!config_.clientId.empty()) form += "&client_id=" + formEncode(config_.clientId);
  if (!config_.audience.empty()) form += "&audience=" + formEncode(config_.audience);
  net::HttpResult r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    r = client_.send("POST", "", form, "application/x-www-form-urlencoded", {{"Accept", "application/json"}});
  }
  if (!r.answered())
    return TokenFetch::retry(0, "token endpoint " + config_.tokenUrl + ": " + std::string(net::toString(r.failure)) +
                                    ": " + r.error);
  return classifyTokenAnswer(r.status, r.body, now, config_.assumedLifetime);
}

}  // namespace reghub::kl_gateway
