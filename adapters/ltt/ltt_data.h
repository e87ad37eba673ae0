#pragma once
// The LTT adapter's data files, loaded once and checked at start-up:
//   mapping/ltt/terminology.json     code systems, value-set expansions, UI-code mapping
//   profiles/ltt/ltt-constraints.json the IG profiles' constraints as data
//   profiles/fhir-r4/core.json        R4 core element definitions (LTT-CORE-01/02), generated
// Found under $REGHUB_DATA_DIR, else the build's REGHUB_DATA_DIR_DEFAULT.
// LttData::get() throws std::runtime_error (once, on first use) when a file
// is missing or inconsistent; afterwards the data is immutable and the
// accessors are thread-safe.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/kl_gateway/core_defs.h"
#include "adapters/kl_gateway/pattern.h"
#include "hub/model/citizen.h"
#include "hub/model/date.h"

namespace reghub::ltt {

using kl_gateway::Pattern;

inline constexpr const char* kCprSystem = "urn:oid:1.2.208.176.1.2";
inline constexpr const char* kSorSystem = "urn:oid:1.2.208.176.1.1";
inline constexpr const char* kLttSystem = "http://fhir.kl.dk/term/CodeSystem/LTT";
inline constexpr const char* kCscSystem = "http://fhir.kl.dk/term/CodeSystem/CareSocialCodes";
inline constexpr const char* kActCodeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr const char* kLttProgramCode = "01302bcb-c7f3-42c4-8ded-68e33da064eb";
inline constexpr const char* kBehandlingCode = "b7f9217c-2315-4d6f-bba5-5117e202302c";
inline constexpr const char* kSdBase = "http://fhir.kl.dk/ltt/StructureDefinition/";
inline constexpr const char* kExtDeliveryType =
    "http://fhir.kl.dk/ltt/StructureDefinition/klgateway-ltt-encounter-delivery-type";
inline constexpr const char* kExtBasedOnCarePlan =
    "http://fhir.kl.dk/ltt/StructureDefinition/klgateway-ltt-encounter-based-on-care-plan";

// Profile ids (the last segment of the StructureDefinition url).
inline constexpr const char* kProfileReport = "klgateway-ltt-delivery-report";
inline constexpr const char* kProfileIncremental = "klgateway-ltt-incremental-delivery";
inline constexpr const char* kProfileCitizen = "klgateway-ltt-citizen";
inline constexpr const char* kProfileCarePlan = "klgateway-ltt-care-plan";
inline constexpr const char* kProfileReferral = "klgateway-ltt-referral";
inline constexpr const char* kProfileEncounter = "klgateway-ltt-encounter";

std::string profileUrl(std::string_view id);

// Value-set ids.
inline constexpr const char* kVsActivity = "fkgateway-ltt-care-plan-activity-types";
inline constexpr const char* kVsFocus = "fkgateway-ltt-focus-area";
inline constexpr const char* kVsReferral = "fkgateway-ltt-type-of-referral";
inline constexpr const char* kVsEncounterType = "fkgateway-ltt-encounter-types";
inline constexpr const char* kVsDelivery = "fkgateway-ltt-type-of-delivery";
inline constexpr const char* kVsParticipant = "fkgateway-ltt-type-of-participants";

struct ValueSet {
  std::string id;
  std::string url;
  std::map<std::string, std::string> displayByKey;  // "system|code" -> display
  const std::string* display(std::string_view system, std::string_view code) const;
  bool contains(std::string_view system, std::string_view code) const { return display(system, code) != nullptr; }
};

struct UiMapping {
  model::Coding ui, encounterType, deliveryType, participantType;
};

// One step of a constraint path: child name (or name prefix for choice
// elements), optionally filtered by a child's string value.
struct PathStep {
  std::string name;
  bool prefix = false;
  std::string filterKey, filterValue;
};

struct Constraint {
  std::string rule;
  std::string pathText;
  std::vector<PathStep> path;
  int min = -1;  // -1 = not constrained
  int max = -2;  // -2 = not constrained, -1 = *
  std::optional<std::string> patternString;
  std::map<std::string, std::string> patternObject;
  std::string binding;  // value-set id
  bool bindingOnCoding = false;
  std::optional<Pattern> regex;
  std::string regexText, invariant, message;
  size_t maxLength = 0;
  // Profile::nodes of the path without its last step, and of the whole path.
  int parentNode = 0, node = 0;
};

// A distinct path prefix of a profile's constraints: many constraints share
// their first steps ("entry.resource…"), so each prefix is selected once
// per resource. Node 0 is the resource itself.
struct PathNode {
  int parent = -1;
  PathStep step;
};

struct Profile {
  std::string id;
  std::string resourceType;
  std::vector<Constraint> constraints;
  std::vector<PathNode> nodes{PathNode{}};
  // Sets parentNode/node of every constraint (after loading).
  void indexPaths();
};

// R4 core definitions: adapters/kl_gateway/core_defs.h.
using kl_gateway::CoreDefs;

class LttData {
 public:
  static const LttData& get();
  // Loads from a directory holding mapping/ and profiles/. Throws std::runtime_error.
  static LttData load(const std::string& dataDir);
  static std::string dataDir();

  const ValueSet* valueSet(std::string_view id) const;
  const ValueSet& requireValueSet(std::string_view id) const;
  const Profile* profile(std::string_view id) const;
  const CoreDefs& core() const { return core_; }
  const std::vector<UiMapping>& uiMappings() const { return ui_; }
  const UiMapping* uiMapping(std::string_view system, std::string_view code) const;
  // Display of a code in any code system known here (terminology.json).
  const std::string* codeDisplay(std::string_view system, std::string_view code) const;
  model::Date reportingStart() const { return reportingStart_; }
  int minAge() const { return minAge_; }
  int maxAge() const { return maxAge_; }
  // Extension url -> (rule, only allowed value element).
  const std::map<std::string, std::pair<std::string, std::string>>& extensions() const { return extensions_; }
  const std::map<std::string, std::set<std::string>>& statusAdvice() const { return statusAdvice_; }

 private:
  std::map<std::string, ValueSet, std::less<>> valueSets_;
  std::map<std::string, Profile, std::less<>> profiles_;
  std::map<std::string, std::string, std::less<>> codeDisplays_;  // "system|code"
  std::vector<UiMapping> ui_;
  CoreDefs core_;
  model::Date reportingStart_;
  int minAge_ = 5, maxAge_ = 17;
  std::map<std::string, std::pair<std::string, std::string>> extensions_;
  std::map<std::string, std::set<std::string>> statusAdvice_;
};

}  // namespace reghub::ltt
