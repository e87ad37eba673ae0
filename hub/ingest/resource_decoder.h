#pragma once
// Decodes one inbound FHIR resource (JSON DOM) into the canonical model:
// a Patient, an Organization, a forløb (EpisodeOfCare, CarePlan), or what
// hangs on a forløb (QuestionnaireResponse, Encounter, henvisning CarePlan),
// with the references that tie it to its citizen, already resolved to
// canonical keys. Internal to hub/ingest. Problems in the resource are
// diagnostics; never throws for bad input. Thread-compatible (no state).
#include <rapidjson/fwd.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hub/diag/reporter.h"
#include "hub/model/citizen.h"
#include "hub/state/version_order.h"

namespace reghub::ingest {

// Where a resource sits in its document.
struct ResourceSite {
  std::string file;
  int line = 0;
  std::string path;              // "Bundle.entry[3].resource", or the type for a lone resource
  std::string fullUrl;           // of its Bundle entry, if any
  std::string containerProfile;  // meta.profile of the innermost Bundle, if any
};

struct DecodedResource {
  // kResource: a kept-as-sent resource the model has no type for (it joins
  // its citizen by its subject, model::Citizen::resources).
  enum class Kind { kPatient, kOrganization, kForloeb, kForm, kContact, kReferral, kResource };
  Kind kind = Kind::kPatient;
  std::string key;  // canonical: "Type/id", else the fullUrl
  std::string subjectRef, subjectKey;  // the Patient it names, as sent and canonical
  std::vector<std::string> parentRefs, parentKeys;  // forløb it may hang on (same order)
  std::string orgRef, orgKey;  // managing organization
  state::ResourceVersion version;
  std::string lastUpdatedText;
  uint64_t arrival = 0;
  std::variant<model::Citizen, model::Organization, model::Forloeb, model::FormResponse, model::Contact,
               model::Referral, model::Resource>
      payload;
  // Kept-as-sent types (model::Resource): the JSON with canonical references.
  std::string asSent;
  std::vector<std::string> asSentRefs;  // the canonical keys its references name
  bool taken = false;  // assembly: already placed in a citizen

  const model::SourceRef& source() const;
  void markFresh(bool fresh);
};

// Raw reference → canonical key ("Patient/p1"), with the document's fullUrls.
using ResolveReference = std::function<std::string(const std::string&)>;

// The canonical key of a resource: Type/id; without an id, the Type/id tail
// of a RESTful fullUrl, else the fullUrl itself; else Type/#arrival.
std::string canonicalKey(const std::string& type, const std::string& id, const std::string& fullUrl,
                         uint64_t arrival);

// Resource types the hub reads (others are an info and ignored).
bool isUsedResourceType(std::string_view type);

// Types kept as sent besides their model view (model::Resource), and that
// copy: compact JSON with every `reference` rewritten by `resolve` (the
// canonical keys are appended to `refs`). Pure.
bool isKeptAsSent(std::string_view type);
std::string keptAsSentJson(const rapidjson::Value& resource, const ResolveReference& resolve,
                           std::vector<std::string>& refs);

// nullopt: not used by the hub (reported as info) or unusable (reported).
std::optional<DecodedResource> decodeResource(const rapidjson::Value& resource, const ResourceSite& site,
                                              uint64_t arrival, const diag::Reporter& reporter,
                                              const ResolveReference& resolve);

}  // namespace reghub::ingest
