#include "adapters/ltt/sandbox.h"

#include <rapidjson/document.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "adapters/ltt/ig_validator.h"
#include "adapters/kl_gateway/kombit_sts.h"
#include "adapters/ltt/settings.h"
#include "hub/net/dev_tls.h"
#include "hub/net/https_server.h"
#include "hub/util/json_writer.h"

namespace reghub::ltt {

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
  std::string tmpl = (std::filesystem::temp_directory_path() / "reghub-ltt-sandbox-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("ltt sandbox: cannot create a temporary TLS directory");
  return tmpl;
}

}  // namespace

LttSandbox::LttSandbox(const engine::SandboxOptions& options, std::shared_ptr<const Settings> settings,
                       kl_gateway::StsStandInFactory sts)
    : options_(options), settings_(std::move(settings)), stsFactory_(std::move(sts)) {
  if (!stsFactory_) stsFactory_ = kl_gateway::kombitStsStandIn;
}

LttSandbox::~LttSandbox() {
  stop();
  if (ownTlsDir_) {
    std::error_code ec;
    std::filesystem::remove_all(tlsDir_, ec);
  }
}

void LttSandbox::start() {
  if (server_) return;
  tlsDir_ = settings_->sandboxTlsDir;
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
  if (settings_->sandboxRequiresToken) {
    kl_gateway::SandboxAuthOptions a;
    a.prefix = "ltt";
    a.dir = tlsDir_;
    a.appliesTo = settings_->auth.sts.appliesTo;
    a.tokenLifetime = settings_->auth.sandboxTokenLifetime;
    a.clockSkew = settings_->auth.sandboxClockSkew;
    auth_ = std::make_unique<kl_gateway::GatewaySandboxAuth>(a, stsFactory_);
  }
  server_ = std::make_unique<net::HttpsServer>(o, [this](const net::HttpRequest& r) { return handle(r); });
  server_->start();
  // The realm URL carries the bound port; requests that come before this
  // line find no token endpoint yet (route() answers nothing) and get 401.
  if (auth_) auth_->start(server_->baseUrl());
}

void LttSandbox::stop() {
  if (server_) server_->stop();
  server_.reset();
}

int LttSandbox::port() const { return server_ ? server_->port() : 0; }
std::string LttSandbox::baseUrl() const { return server_ ? server_->baseUrl() : std::string(); }

void LttSandbox::setFaults(const SandboxFaults& f) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_ = f;
}

std::vector<ReceivedReport> LttSandbox::received() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ReceivedReport> out;
  for (const auto& [id, r] : received_) out.push_back(r);
  return out;
}

int LttSandbox::requestsSeen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

int LttSandbox::unauthorizedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unauthorized_;
}

std::map<std::string, std::string> LttSandbox::clientConfig() const {
  if (!server_) return {};
  std::map<std::string, std::string> c = {{"ltt.endpoint", baseUrl()}, {"ltt.caFile", caFile_}};
  if (auth_) {
    for (const auto& [k, v] : auth_->clientConfig()) c[k] = v;
    c["ltt.auth.sts.caFile"] = caFile_;  // the STS stand-in shares the sandbox's TLS certificate
  }
  return c;
}

net::HttpResponse LttSandbox::unauthorized(const net::HttpRequest& req) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++unauthorized_;
  }
  const bool none = kl_gateway::bearerFrom(req.headers).empty();
  net::HttpResponse r = outcome(
      401,
      {{none ? "no bearer token: FK Gateway needs Authorization: Bearer <token> from its token endpoint"
             : "the bearer token is unknown or has expired: get a new one from the token endpoint",
        ""}},
      "error", "login");
  r.headers["WWW-Authenticate"] = none ? "Bearer" : "Bearer error=\"invalid_token\"";
  return r;
}

int LttSandbox::rejectedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rejected_;
}

net::HttpResponse LttSandbox::handle(const net::HttpRequest& req) {
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

net::HttpResponse LttSandbox::put(const std::string& id, const std::string& body) {
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
  if (klBundleKind(d) != KlBundleKind::kDeliveryReport)
    return reject(outcome(422, {{"expected a Bundle with meta.profile " + profileUrl(kProfileReport), ""}}, "error",
                          "invalid"));
  const std::string bodyId = d.HasMember("id") && d["id"].IsString() ? d["id"].GetString() : "";
  if (bodyId != id)
    return reject(outcome(400, {{"Bundle.id '" + bodyId + "' differs from the id in the URL '" + id + "'", "Bundle.id"}},
                          "error", "invalid"));
  IgOptions opt;
  opt.reportingStart = settings_->reportingStart;
  opt.asOf = model::copenhagenToday();
  diag::Collector sink;
  IgValidator(LttData::get()).validateReport(d, opt, diag::Reporter(sink, "ltt").withPath("Bundle"));
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

}  // namespace reghub::ltt
