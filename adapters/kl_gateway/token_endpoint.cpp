#include "adapters/kl_gateway/token_endpoint.h"

#include <openssl/rsa.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "hub/security/codec.h"
#include "adapters/kl_gateway/form.h"
#include "adapters/kl_gateway/jws.h"
#include "hub/util/json_writer.h"

namespace reghub::kl_gateway {

namespace {

int64_t epoch(Clock::time_point t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

std::string str(const rapidjson::Value& o, const char* name) {
  return o.HasMember(name) && o[name].IsString() ? o[name].GetString() : std::string();
}

std::optional<int64_t> num(const rapidjson::Value& o, const char* name) {
  if (!o.HasMember(name) || !o[name].IsNumber()) return std::nullopt;
  return o[name].IsInt64() ? o[name].GetInt64() : int64_t(o[name].GetDouble());
}

bool audienceMatches(const rapidjson::Value& payload, const std::string& realm) {
  if (!payload.HasMember("aud")) return false;
  const auto& aud = payload["aud"];
  if (aud.IsString()) return realm == aud.GetString();
  if (aud.IsArray())
    for (const auto& a : aud.GetArray())
      if (a.IsString() && realm == a.GetString()) return true;
  return false;
}

std::string shortKid(const std::string& kid) { return kid.size() > 60 ? kid.substr(0, 60) + "…" : kid; }

}  // namespace

std::string bearerFrom(const std::map<std::string, std::string>& headers) {
  const auto it = headers.find("authorization");
  if (it == headers.end() || it->second.size() < 7) return {};
  std::string scheme = it->second.substr(0, 7);
  for (char& c : scheme) c = char(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "bearer " ? it->second.substr(7) : std::string();
}

TokenEndpoint::TokenEndpoint(TokenEndpointOptions options, SubjectTokenVerifier verifier)
    : options_(std::move(options)), verifier_(std::move(verifier)) {
  EVP_PKEY* k = EVP_RSA_gen(2048);
  if (!k) throw std::runtime_error("token endpoint: cannot make its signing key");
  signingKey_ = adoptKey(k);
}

void TokenEndpoint::registerClient(const std::string& clientId, EvpKey publicKey, std::string kid) {
  if (kid.empty()) kid = keyIdOf(publicKey.get());
  std::lock_guard<std::mutex> lock(mu_);
  clients_[kid] = Client{clientId, std::move(publicKey)};
}

net::HttpResponse TokenEndpoint::refuse(int status, const std::string& error, const std::string& description) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++refusedCount_;
  }
  std::string b = "{\"error\":";
  util::appendJsonString(b, error);
  b += ",\"error_description\":";
  util::appendJsonString(b, description);
  b += "}";
  net::HttpResponse r{status, "application/json", std::move(b), {}, false};
  r.headers["Cache-Control"] = "no-store";
  return r;
}

std::string TokenEndpoint::checkClientAssertion(const std::string& text, Clock::time_point now, std::string& clientId) {
  std::string error;
  const auto jws = parseCompactJws(text, error);
  if (!jws) return "client_assertion: " + error;
  rapidjson::Document h, p;
  h.Parse(jws->header.c_str(), jws->header.size());
  p.Parse(jws->payload.c_str(), jws->payload.size());
  if (h.HasParseError() || !h.IsObject() || p.HasParseError() || !p.IsObject())
    return "client_assertion: header or payload is not a JSON object";
  if (str(h, "alg") != "RS256") return "client_assertion: alg must be RS256, is '" + str(h, "alg") + "'";
  const std::string kid = str(h, "kid");
  Client client;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = clients_.find(kid);
    if (it == clients_.end())
      return "unknown kid '" + shortKid(kid) +
             "': no public key is registered under it (register the system's public key with the gateway; kid = "
             "base64url(SHA-256 of the DER public key))";
    client = it->second;
  }
  if (!verifyRs256(*jws, client.key.get()))
    return "client_assertion signature does not verify with the public key registered for kid '" + shortKid(kid) + "'";
  const std::string iss = str(p, "iss"), sub = str(p, "sub");
  if (iss != client.clientId || sub != client.clientId)
    return "client_assertion iss/sub '" + iss + "'/'" + sub + "' is not the client id '" + client.clientId +
           "' registered with this key";
  if (!audienceMatches(p, options_.realmUrl)) return "client_assertion aud is not the realm " + options_.realmUrl;
  const auto exp = num(p, "exp");
  const int64_t skew = std::chrono::duration_cast<std::chrono::seconds>(options_.clockSkew).count();
  const int64_t t = epoch(now);
  if (!exp) return "client_assertion has no exp";
  if (*exp + skew < t)
    return "client_assertion expired " + std::to_string(t - *exp) + " s ago (check the system clock)";
  if (const auto nbf = num(p, "nbf"); nbf && *nbf - skew > t)
    return "client_assertion is not valid for another " + std::to_string(*nbf - t) + " s (check the system clock)";
  const std::string jti = str(p, "jti");
  if (jti.empty()) return "client_assertion has no jti";
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = seenJti_.begin(); it != seenJti_.end();)  // forget what can no longer be replayed
    it = it->second + options_.clockSkew < now ? seenJti_.erase(it) : std::next(it);
  if (!seenJti_.emplace(jti, Clock::time_point(std::chrono::seconds(*exp))).second)
    return "client_assertion jti '" + jti + "' was used before (a replayed assertion)";
  clientId = client.clientId;
  return {};
}

net::HttpResponse TokenEndpoint::handle(const net::HttpRequest& req) {
  if (req.method != "POST") return refuse(405, "invalid_request", "the token endpoint takes POST only");
  std::string error;
  const auto form = parseForm(req.body, error);
  if (!form) return refuse(400, "invalid_request", error);
  const auto field = [&](const char* name) {
    const auto it = form->find(name);
    return it == form->end() ? std::string() : it->second;
  };
  if (field("grant_type") != options_.grantType)
    return refuse(400, "unsupported_grant_type", "grant_type must be " + options_.grantType);
  if (field("client_assertion_type") != options_.clientAssertionType)
    return refuse(401, "invalid_client", "client_assertion_type must be " + options_.clientAssertionType);
  const Clock::time_point now = options_.now();
  std::string clientId;
  if (const std::string why = checkClientAssertion(field("client_assertion"), now, clientId); !why.empty())
    return refuse(401, "invalid_client", why);
  if (field("subject_token_type") != options_.subjectTokenType)
    return refuse(400, "invalid_request", "subject_token_type must be " + options_.subjectTokenType);
  const auto saml = security::base64UrlDecode(field("subject_token"));
  if (!saml || saml->empty()) return refuse(400, "invalid_grant", "subject_token is not a base64url SAML assertion");
  const SubjectCheck subject = verifier_ ? verifier_(*saml, now) : SubjectCheck{false, {}, "no SAML verifier"};
  if (!subject.ok) return refuse(400, "invalid_grant", "subject_token: " + subject.error);

  const Clock::time_point expires = now + options_.tokenLifetime;
  std::string payload = "{\"sub\":";
  util::appendJsonString(payload, subject.subject);
  payload += ",\"azp\":";
  util::appendJsonString(payload, clientId);
  payload += ",\"iss\":";
  util::appendJsonString(payload, options_.realmUrl);
  payload += ",\"jti\":";
  util::appendJsonString(payload, randomUuid());
  payload += ",\"iat\":" + std::to_string(epoch(now)) + ",\"exp\":" + std::to_string(epoch(expires)) + "}";
  const std::string token = signRs256("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payload, signingKey_.get());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = issued_.begin(); it != issued_.end();)
      it = it->second.expires < now ? issued_.erase(it) : std::next(it);
    issued_[token] = IssuedToken{subject.subject, clientId, expires};
    ++issuedCount_;
  }
  const auto lifetimeS = std::chrono::duration_cast<std::chrono::seconds>(options_.tokenLifetime).count();
  std::string b = "{\"access_token\":";
  util::appendJsonString(b, token);
  b += ",\"token_type\":\"Bearer\",\"expires_in\":" + std::to_string(std::max<int64_t>(1, lifetimeS)) +
       ",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\"}";
  net::HttpResponse r{200, "application/json", std::move(b), {}, false};
  r.headers["Cache-Control"] = "no-store";
  return r;
}

std::optional<IssuedToken> TokenEndpoint::validate(const std::string& bearer) const {
  const Clock::time_point now = options_.now();
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = issued_.find(bearer);
  if (it == issued_.end() || it->second.expires <= now) return std::nullopt;
  return it->second;
}

void TokenEndpoint::expireAll() {
  std::lock_guard<std::mutex> lock(mu_);
  issued_.clear();
}

int TokenEndpoint::issuedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return issuedCount_;
}

int TokenEndpoint::refusedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refusedCount_;
}

}  // namespace reghub::kl_gateway
