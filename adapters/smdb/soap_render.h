#pragma once
// SOAP 1.1 envelopes for SMDB's IndsaetData operations (Kravspecifikation
// 1.2.2). The whole element layout lives in this renderer (kOperations in
// soap_render.cpp): when DST's WSDL is at hand, only this file changes.
// Pure: no I/O; thread-safe.
#include <string>
#include <vector>

#include "adapters/smdb/forloeb_view.h"
#include "hub/engine/adapter.h"

namespace reghub::smdb {

inline constexpr const char* kSmdbNamespace = "http://smdb.dst.dk/api/external/v1";
inline constexpr const char* kSoapNamespace = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr const char* kActionBase = "http://smdb.dst.dk/api/external/v1/ISecureIndsaetData/";
inline constexpr const char* kIndsaetTarget = "/smdbwebservice/api/external/v1/secureindsaetdata.svc";
// TokenTest (Kravspecifikation 1.2.3: Echo, Throw, WhoAmI). I: the action base and the
// element names follow the IndsaetData pattern; DST's WSDL (…securetokentest.svc?singlewsdl) decides.
inline constexpr const char* kTokenTestTarget = "/smdbwebservice/api/external/v1/securetokentest.svc";
inline constexpr const char* kTokenTestActionBase = "http://smdb.dst.dk/api/external/v1/ISecureTokenTest/";

// The messages of one forløb, in dependency order: IndsaetIvaerksaettelse
// (carrying the anmodning), IndsaetTilbudstilknytning per tilknytning,
// IndsaetKvalHep, AfslutBehandling (carrying the anmodning when the forløb
// was never iværksat). A message whose content hash equals the one the
// registry already has (prior) is left out.
std::vector<engine::OutboundMessage> renderForloeb(const ForloebView& v, const FieldTable& table,
                                                   const engine::PriorDeliveries& prior);

// The idempotency key of a skema of a forløb: "smdb/<kommune>/<forløb>/<skema>[/<id>]".
std::string messageKey(const ForloebView& v, Skema s, const std::string& sourceId = {});

}  // namespace reghub::smdb
