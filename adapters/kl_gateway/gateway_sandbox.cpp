#include "adapters/kl_gateway/gateway_sandbox.h"

#include <rapidjson/document.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "adapters/kl_gateway/kombit_sts.h"
#include "hub/net/dev_tls.h"
#include "hub/net/https_server.h"
#include "hub/util/json_writer.h"

namespace reghub::kl_gateway {

namespace {

net::HttpResponse outcome(int status, const std::vector<std::pair<std::string, std::string>>& issues,
                          const std::string& severity, const std::string& code) {
  std::string b = "{\"resourceType\":\"OperationOutcome\",\"issue\":[";
  for (size_t i = 0; i < issues.size(); ++i) {
    b += i ? "," : "";
    b += "{\"severity\":\"" + severity + "\",\"code\":\"" + code + "\",\"diagnostics\":";
    util::appendJsonString(b, issues[i].first);
    if (!issues[i].second.empty()) {
      b += ",\"expression\":[";
      util::appendJsonString(b, issues[i].second);
      b += "]";
    }
    b += "}";
  }
  b += "]}";
  net::HttpResponse r;
  r.status = status;
  r.contentType = "application/fhir+json";
  r.body = std::move(b);
  return r;
}

std::string makeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "reghub-gateway-sandbox-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("sandbox: cannot create a temporary TLS directory");
  return tmpl;
}

}  // namespace

GatewaySandbox::GatewaySandbox(const engine::SandboxOptions& options, GatewaySandboxConfig config,
                               StsStandInFactory sts)
    : options_(options), config_(std::move(config)), stsFactory_(std::move(sts)) {
  if (!stsFactory_) stsFactory_ = kombitStsStandIn;
}

GatewaySandbox::~GatewaySandbox() {
  stop();
  if (ownTlsDir_) {
    std::error_code ec;
    std::filesystem::remove_all(tlsDir_, ec);
  }
}

void GatewaySandbox::start() {
  if (server_) return;
  tlsDir_ = config_.tlsDir;
  if (tlsDir_.empty()) {
    tlsDir_ = makeTempDir();
    ownTlsDir_ = true;
  }
  const net::DevTlsFiles tls = net::writeDevTls(tlsDir_);
  caFile_ = tls.caCertFile;
  net::HttpsServerOptions o;
  o.port = options_.port;
  o.certFile = tls.serverCertFile;
  o.keyFile = tls.serverKeyFile;
  if (config_.requiresToken) {
    SandboxAuthOptions a;
    a.prefix = config_.prefix;
    a.dir = tlsDir_;
    a.appliesTo = config_.auth.sts.appliesTo;
    a.tokenLifetime = config_.auth.sandboxTokenLifetime;
    a.clockSkew = config_.auth.sandboxClockSkew;
    auth_ = std::make_unique<GatewaySandboxAuth>(a, stsFactory_);
  }
  server_ = std::make_unique<net::HttpsServer>(o, [this](const net::HttpRequest& r) { return handle(r); });
  server_->start();
  // The realm URL carries the bound port; requests that come before this
  // line find no token endpoint yet (route() answers nothing) and get 401.
  if (auth_) auth_->start(server_->baseUrl());
}

void GatewaySandbox::stop() {
  if (server_) server_->stop();
  server_.reset();
}

int GatewaySandbox::port() const { return server_ ? server_->port() : 0; }
std::string GatewaySandbox::baseUrl() const { return server_ ? server_->baseUrl() : std::string(); }

void GatewaySandbox::setFaults(const SandboxFaults& f) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_ = f;
}

std::vector<ReceivedReport> GatewaySandbox::received() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ReceivedReport> out;
  for (const auto& [id, r] : received_) out.push_back(r);
  return out;
}

int GatewaySandbox::requestsSeen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

int GatewaySandbox::unauthorizedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unauthorized_;
}

std::map<std::string, std::string> GatewaySandbox::clientConfig() const {
  if (!server_) return {};
  std::map<std::string, std::string> c = {{config_.prefix + ".endpoint", baseUrl()},
                                                 {config_.prefix + ".caFile", caFile_}};
  if (auth_) {
    for (const auto& [k, v] : auth_->clientConfig()) c[k] = v;
    c[config_.prefix + ".auth.sts.caFile"] = caFile_;  // the STS stand-in shares the sandbox's TLS certificate
  }
  return c;
}

net::HttpResponse GatewaySandbox::unauthorized(const net::HttpRequest& req) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++unauthorized_;
  }
  const bool none = bearerFrom(req.headers).empty();
  net::HttpResponse r = outcome(
      401,
      {{none ? "no bearer token: FK Gateway needs Authorization: Bearer <token> from its token endpoint"
             : "the bearer token is unknown or has expired: get a new one from the token endpoint",
        ""}},
      "error", "login");
  r.headers["WWW-Authenticate"] = none ? "Bearer" : "Bearer error=\"invalid_token\"";
  return r;
}

int GatewaySandbox::rejectedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejected_;
}

net::HttpResponse GatewaySandbox::handle(const net::HttpRequest& req) {
  int latency = 0;
  bool fail = false, drop = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++requests_;
    // Faults are for the registry's FHIR API; the STS and token endpoint stay up.
    if (req.path.rfind("/fhir/", 0) == 0) {
      latency = faults_.latencyMs;
      if (faults_.drop > 0) {
        --faults_.drop;
        drop = true;
      } else if (faults_.fail500 > 0) {
        --faults_.fail500;
        fail = true;
      }
    }
  }
  if (latency > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency));
  if (drop) {
    net::HttpResponse r;
    r.dropConnection = true;
    return r;
  }
  if (fail) return outcome(500, {{"injected fault: internal server error", ""}}, "fatal", "exception");

  if (auth_)
    if (auto r = auth_->route(req)) return std::move(*r);
  const std::string bundlePrefix = "/fhir/Bundle/";
  if (req.path.rfind("/fhir/", 0) == 0 && auth_ && !auth_->authorize(req)) return unauthorized(req);
  if (req.path.rfind(bundlePrefix, 0) == 0) {
    const std::string id = req.path.substr(bundlePrefix.size());
    if (req.method == "PUT") return put(id, req.body);
    if (req.method == "GET") {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = received_.find(id);
      if (it == received_.end()) return outcome(404, {{"no Bundle/" + id, ""}}, "error", "not-found");
      return net::HttpResponse{200, "application/fhir+json", it->second.body, {}, false};
    }
    return outcome(405, {{"method " + req.method + " not supported", ""}}, "error", "not-supported");
  }
  if (req.path == "/sandbox/received") {
    if (req.method == "DELETE") {
      std::lock_guard<std::mutex> lock(mu_);
      received_.clear();
      return net::HttpResponse{204, "text/plain", "", {}, false};
    }
    std::string b = "[";
    for (const ReceivedReport& r : received()) {
      b += (b.size() > 1 ? "," : "");
      b += "{\"id\":";
      util::appendJsonString(b, r.id);
      b += ",\"puts\":" + std::to_string(r.puts) + ",\"lastStatus\":" + std::to_string(r.lastStatus) + "}";
    }
    b += "]";
    return net::HttpResponse{200, "application/json", b, {}, false};
  }
  if (req.path == "/sandbox/tokens/expire" && req.method == "POST") {
    if (!auth_) return net::HttpResponse{404, "text/plain", "the sandbox runs without auth", {}, false};
    auth_->tokenEndpoint().expireAll();
    return net::HttpResponse{204, "text/plain", "", {}, false};
  }
  if (req.path == "/sandbox/faults" && req.method == "POST") {
    rapidjson::Document d;
    d.Parse(req.body.c_str(), req.body.size());
    if (d.HasParseError() || !d.IsObject())
      return net::HttpResponse{400, "text/plain", "expected {\"latencyMs\":n,\"fail500\":n,\"drop\":n}", {}, false};
    SandboxFaults f;
    if (d.HasMember("latencyMs") && d["latencyMs"].IsInt()) f.latencyMs = d["latencyMs"].GetInt();
    if (d.HasMember("fail500") && d["fail500"].IsInt()) f.fail500 = d["fail500"].GetInt();
    if (d.HasMember("drop") && d["drop"].IsInt()) f.drop = d["drop"].GetInt();
    setFaults(f);
    return net::HttpResponse{204, "text/plain", "", {}, false};
  }
  return outcome(404, {{"unknown path " + req.path, ""}}, "error", "not-found");
}

net::HttpResponse GatewaySandbox::put(const std::string& id, const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  auto reject = [this](net::HttpResponse r) {
    std::lock_guard<std::mutex> lock(mu_);
    ++rejected_;
    return r;
  };
  if (d.HasParseError())
    return reject(outcome(400, {{"body is not JSON (offset " + std::to_string(d.GetErrorOffset()) + ")", ""}}, "error",
                          "structure"));
  if (const std::string why = config_.notAReport(d); !why.empty())
    return reject(outcome(422, {{why, ""}}, "error", "invalid"));
  const std::string bodyId = d.HasMember("id") && d["id"].IsString() ? d["id"].GetString() : "";
  if (bodyId != id)
    return reject(outcome(400, {{"Bundle.id '" + bodyId + "' differs from the id in the URL '" + id + "'", "Bundle.id"}},
                          "error", "invalid"));
  diag::Collector sink;
  config_.validate(d, diag::Reporter(sink, config_.prefix).withPath("Bundle"));
  if (sink.hasErrors()) {
    std::vector<std::pair<std::string, std::string>> issues;
    for (const diag::Diagnostic& x : sink.diagnostics())
      if (x.severity == diag::Severity::kError) issues.emplace_back(x.rule + ": " + x.message, x.path);
    return reject(outcome(422, issues, "error", "invariant"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  ReceivedReport& r = received_[id];
  const bool created = r.puts == 0;
  r.id = id;
  r.body = body;
  ++r.puts;
  r.lastStatus = created ? 201 : 200;
  net::HttpResponse resp = outcome(r.lastStatus, {{created ? "created" : "updated", ""}}, "information", "informational");
  resp.headers["Location"] = "/fhir/Bundle/" + id + "/_history/" + std::to_string(r.puts);
  return resp;
}

}  // namespace reghub::kl_gateway
