#pragma once
// The canonical model: citizens and their forløb, as the hub understands
// them whatever the registry. Pure value types; registry-neutral names
// (no SMDB or LTT types here — adapters interpret programs and forms).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hub/model/cpr.h"
#include "hub/model/date.h"

namespace reghub::model {

// Where a model element came from, for diagnostics.
struct SourceRef {
  std::string file;       // as given on the command line, or "-"
  int line = 0;           // NDJSON line / XML line of the resource; 0 = unknown
  std::string reference;  // "EpisodeOfCare/ep-9" (type/id) or the fullUrl
  std::string path;       // FHIR path of the resource in its document, e.g. "Bundle.entry[3].resource"
  // meta.profile of the Bundle that carried the resource (innermost), if
  // any: lets an adapter recognise its own outbound report used as input.
  std::string containerProfile;
  std::optional<DateTime> lastUpdated;  // meta.lastUpdated
  // New or changed in this run. False for what the delivery store held from
  // earlier ingests (a registry that reports only news, like LTT, skips it).
  bool fresh = true;
};

struct Coding {
  std::string system;
  std::string code;
  std::string display;
  friend bool operator==(const Coding&, const Coding&) = default;
};

// An extension value the hub keeps without interpreting it: valueCode,
// valueCoding and each coding of valueCodeableConcept (adapters decide
// what a url means, e.g. an exclusion flag or a delivery type).
struct ExtensionValue {
  std::string url;
  Coding coding;  // valueCode: only .code is set
};

// A reference to another resource kept as sent, plus the canonical
// "Type/id" (or fullUrl) it resolved to; empty if it did not resolve.
struct Reference {
  std::string reference;
  std::string resolved;
};

struct Period {
  std::optional<DateTime> start;
  std::optional<DateTime> end;
};

// Typed answer of one questionnaire item (linkId = the registry's variable name).
struct Answer {
  enum class Type { kCode, kString, kDate, kDateTime, kInteger, kDecimal, kBoolean };
  std::string linkId;
  Type type = Type::kString;
  std::string text;               // code or string value; for kDate/kDateTime the FHIR text
  std::optional<DateTime> date;   // kDate / kDateTime
  int64_t integer = 0;            // kInteger
  double decimal = 0;             // kDecimal
  bool boolean = false;           // kBoolean
  int itemIndex = 0;              // position in QuestionnaireResponse.item (for paths)
  std::string path;               // "item[4].answer[0]"
};

// One completed form (a QuestionnaireResponse) belonging to a forløb.
struct FormResponse {
  std::string resourceId;     // QuestionnaireResponse.id
  std::string identifier;     // stable source id (identifier.value)
  std::string questionnaire;  // canonical, e.g. "urn:reghub:smdb:IVAER"
  std::string status;         // completed | amended | entered-in-error | …
  std::optional<DateTime> authored;
  std::vector<Answer> answers;
  SourceRef source;

  const Answer* find(std::string_view linkId) const;
};

// A contact with the citizen (Encounter).
struct Contact {
  std::string resourceId;
  std::string status;  // FHIR Encounter.status
  std::string classCode;  // Encounter.class code
  std::optional<DateTime> start;
  std::vector<Coding> types;          // Encounter.type codings (may be UI codes)
  std::vector<Coding> participantTypes;
  std::vector<ExtensionValue> extensions;
  SourceRef source;
};

// A referral (henvisning) into the forløb (CarePlan based on the forløb).
struct Referral {
  std::string resourceId;
  std::string status;
  std::optional<DateTime> start;
  std::vector<Coding> codes;  // activity.detail.code codings
  SourceRef source;
};

// An organisation (municipality / SOR unit) referenced by a forløb or citizen.
struct Organization {
  std::string municipalityCode;  // 4-digit DK-core code, e.g. "0330"
  std::string sor;               // SOR code
  std::string name;
};

// A resource kept as the sender sent it, for registries whose reports carry
// the sender's own resource shapes (an implementation guide's profiles): the
// adapter reads what its profiles permit and drops the rest. Which resource
// types are kept so is ingest's (resource_decoder.cpp kKeptAsSent).
struct Resource {
  std::string type;  // resourceType
  std::string key;   // canonical "Type/id" (or the fullUrl)
  // Compact FHIR JSON; every `reference` is rewritten to the canonical key
  // of what it names (a fullUrl means nothing outside its Bundle).
  std::string json;
  SourceRef source;
};

// A kontaktforløb / care plan: one course of treatment or service.
struct Forloeb {
  enum class Origin { kEpisodeOfCare, kCarePlan };
  Origin origin = Origin::kEpisodeOfCare;
  std::string resourceId;  // EpisodeOfCare.id / CarePlan.id
  std::string key;         // stable source id (identifier.value), else resourceId
  std::vector<Coding> programs;  // legal basis (EpisodeOfCare.type) or activity code (CarePlan)
  std::string status;            // FHIR status as sent
  std::string activityStatus;    // CarePlan.activity.detail.status
  Period period;
  std::optional<Organization> municipality;  // myndighedskommune
  std::vector<ExtensionValue> extensions;     // e.g. an exclusion flag (selvbetaler, anonym)
  std::vector<Coding> focusAreas;            // CarePlan.activity.detail.reasonCode
  std::vector<FormResponse> forms;
  std::vector<Contact> contacts;
  std::vector<Referral> referrals;
  SourceRef source;

  bool hasProgram(std::string_view system, std::string_view code) const;
  // The code of the first extension with this url (valueCode / valueCoding), or empty.
  std::string extensionCode(std::string_view url) const;
  bool enteredInError() const { return status == "entered-in-error"; }
  std::string display() const { return source.reference.empty() ? resourceId : source.reference; }
};

struct Citizen {
  std::string resourceId;    // Patient.id
  std::optional<Cpr> cpr;    // absent: no CPR identifier, or malformed (see cprProblem)
  bool hasCprIdentifier = false;
  Cpr::Problem cprProblem = Cpr::Problem::kNone;
  std::string name;          // official name, "Given Family"
  Gender gender = Gender::kUnknown;  // Patient.gender; kUnknown if absent
  std::string managingOrganizationSor;
  bool active = true;
  std::vector<Forloeb> forloeb;
  // Every kept-as-sent resource of the citizen (see Resource): its Patient
  // first, then what names it, then the Organizations those refer to.
  std::vector<Resource> resources;
  SourceRef source;

  // Gender as sent, else derived from the CPR (CONTRACT §1).
  Gender effectiveGender() const;
  // "ddmm**-****", or "(uden CPR)".
  std::string maskedCpr() const;
};

}  // namespace reghub::model
