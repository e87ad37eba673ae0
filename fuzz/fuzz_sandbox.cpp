// libFuzzer target: arbitrary request bodies into a registry sandbox's
// handler (no socket): the SMDB sandbox parses SOAP envelopes, the LTT
// sandbox FHIR DeliveryReports. REGHUB_FUZZ_REGISTRY picks the adapter.
// SMDB checks OIO IDWS first (fuzz_wss.cpp fuzzes that alone): each input
// goes in as it is (the security header parsing) and, when its Body can be
// read, once more properly secured with a token of the sandbox's own STS, so
// the envelope and rule parsing behind the check is fuzzed too.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/ltt/sandbox.h"
#include "adapters/smdb/idws_client.h"
#include "adapters/smdb/sandbox.h"
#include "adapters/smdb/soap_transport.h"
#include "hub/security/wss_envelope.h"
#include "hub/security/xml_signature.h"
#include "hub/engine/adapter_registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto adapter = reghub::engine::AdapterRegistry::create(REGHUB_FUZZ_REGISTRY);
  static std::unique_ptr<reghub::engine::Sandbox> sandbox = [] {
    auto s = adapter->makeSandbox({});
    s->start();  // the SMDB sandbox makes its STS and PKI here
    return s;
  }();
  reghub::net::HttpRequest req;
  req.body.assign(reinterpret_cast<const char*>(data), size);
  if (std::string(REGHUB_FUZZ_REGISTRY) == "smdb") {
    req.method = "POST";
    req.path = req.uri = "/smdbwebservice/api/external/v1/secureindsaetdata.svc";
    req.headers["content-type"] = "text/xml; charset=utf-8";
    // The SOAPAction the body's operation needs, so inputs get past the header check.
    for (const char* op : {"IndsaetIvaerksaettelse", "IndsaetTilbudstilknytning", "IndsaetKvalHep", "AfslutBehandling"})
      if (req.body.find(std::string("<") + op) != std::string::npos || req.body.find(std::string(":") + op) != std::string::npos) {
        req.headers["soapaction"] = std::string("\"http://smdb.dst.dk/api/external/v1/ISecureIndsaetData/") + op + "\"";
        break;
      }
    auto& smdb = static_cast<reghub::smdb::SmdbSandbox&>(*sandbox);
    smdb.handle(req);
    // The control plane's web-form sag (JSON) and record paths.
    reghub::net::HttpRequest web;
    web.method = "POST";
    web.path = web.uri = "/sandbox/records";
    web.body = req.body;
    smdb.handle(web);
    web.method = "DELETE";
    web.path = web.uri = "/sandbox/records/" + req.body.substr(0, 24);
    smdb.handle(web);
    static auto idws = std::make_shared<reghub::smdb::IdwsClient>(reghub::smdb::Settings::fromConfig(
        reghub::config::Config::fromMap(smdb.clientConfig())));
    static const auto token = idws->token();
    std::string error;
    if (const auto payload = reghub::smdb::bodyPayload(req.body, error); payload && token.ok()) {
      reghub::security::WsaHeaders wsa;
      const auto sa = req.headers.find("soapaction");
      wsa.action = sa == req.headers.end() ? "none" : sa->second.substr(1, sa->second.size() - 2);
      wsa.to = smdb.baseUrl() + req.path;
      try {
        req.body = reghub::security::buildIdwsRequest(reghub::security::SoapVersion::k12, wsa, *payload,
                                                      token.token->assertionXml, idws->credentials(),
                                                      std::chrono::system_clock::now())
                       .envelope;
        smdb.handle(req);
      } catch (const std::invalid_argument&) {
        // the Body's content is not well-formed on its own: nothing to secure
      } catch (const reghub::security::SignatureError&) {
        // xmlsec refuses to sign it (e.g. exclusive c14n of a relative namespace
        // URI, which the hub's own rendering never produces): nothing to secure
      }
    }
  } else {
    req.method = "PUT";
    req.path = req.uri = "/fhir/Bundle/0b9a4a0e-1a8e-4a59-9c1b-9d0c3c6f1e21";
    req.headers["content-type"] = "application/fhir+json";
    static_cast<reghub::ltt::LttSandbox&>(*sandbox).handle(req);
  }
  return 0;
}
