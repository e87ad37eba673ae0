// libFuzzer target: arbitrary request bodies into a registry sandbox's
// handler (no socket): the SMDB sandbox parses SOAP envelopes, the LTT
// sandbox FHIR DeliveryReports. REGHUB_FUZZ_REGISTRY picks the adapter.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/ltt/sandbox.h"
#include "adapters/smdb/sandbox.h"
#include "hub/engine/adapter_registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto adapter = reghub::engine::AdapterRegistry::create(REGHUB_FUZZ_REGISTRY);
  static std::unique_ptr<reghub::engine::Sandbox> sandbox = adapter->makeSandbox({});
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
    static_cast<reghub::smdb::SmdbSandbox&>(*sandbox).handle(req);
  } else {
    req.method = "PUT";
    req.path = req.uri = "/fhir/Bundle/0b9a4a0e-1a8e-4a59-9c1b-9d0c3c6f1e21";
    req.headers["content-type"] = "application/fhir+json";
    static_cast<reghub::ltt::LttSandbox&>(*sandbox).handle(req);
  }
  return 0;
}
