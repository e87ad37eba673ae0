#pragma once
// The SMDB adapter's configuration keys (all under "smdb."), declared once
// (hub/config/key.h) with type, default and description; README.md lists
// them. The rule keys are choices where the Kravspecifikation is ambiguous
// (RULES.md notes), with the default set to the reading DST's service most
// plausibly enforces. Built once at start-up (register.cpp) and shared
// immutable; fromConfig() throws config::ConfigError on a bad value (the
// registry has already refused unknown smdb.* keys).
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub/config/config.h"
#include "hub/diag/diagnostic.h"
#include "hub/model/date.h"
#include "hub/security/credentials.h"
#include "hub/security/soap.h"

namespace reghub::smdb {


const std::vector<config::Key>& settingKeys();

struct Settings {
  // GEN-13 and the 'Vises …' rules: a value in a field the form would hide.
  diag::Severity hiddenField = diag::Severity::kWarning;
  // IVAER-07: 4-IVÆR empty although 2-IVÆR > 14 (the spec only says "access only").
  std::optional<diag::Severity> garantiReasonMissing = diag::Severity::kWarning;
  // IVAER-12: is 14-IVÆR = 05 'Anden uddannelse' an affirmative answer?
  bool andenUddannelseIsAffirmative = true;
  // TILB-11: does a substitution tilknytning ending on day D overlap one starting on D?
  bool substitutionSameDayHandover = true;
  // TILB-12: AutorisationsID required for the substitution types.
  bool autorisationRequired = true;
  // KVAL-03: a missing KvalHep skema for the risk group (SMDB cannot reject absence).
  diag::Severity kvalhepMissing = diag::Severity::kWarning;
  // TILB-13: optional CSV file of valid TilbudId (from HentAlleTilbud); empty = form check only.
  std::string tilbudList;
  // SYS-08 mellemløsning: forløb with 2-ANM before this date stay in SMDB-web.
  std::optional<model::Date> goLive;
  // Systemskifte (Vejledning om systemskifte): the model and the date D.
  // Model 2: forløb still active on D are re-registered from D+1 (SYS-06);
  // forløb closed on or before D stay with the old system.
  enum class SystemskifteModel { kNone, kModel1, kModel2 };
  SystemskifteModel systemskifteModel = SystemskifteModel::kNone;
  // Which side of the switch this hub is: the new system re-registers from
  // D+1 (SYS-06); the old system closes every active case on D (SYS-05/07).
  enum class SystemskifteRole { kNew, kOld };
  SystemskifteRole systemskifteRole = SystemskifteRole::kNew;
  std::optional<model::Date> systemskifteDate;
  // TILB-13: the ids read from tilbudList at start-up (null: no list).
  std::shared_ptr<const std::set<std::string>> tilbudIds;

  // Delivery (soap_transport.h): IndsaetData host, CA bundle, timeout.
  // The kommuner (4 digits) the sync reads besides those with messages in the store.
  std::vector<std::string> syncKommuner;
  std::string endpoint;  // empty: not configured for delivery (no default points at a real service)
  std::string caFile;
  int64_t timeoutMs = 30'000;
  // OIO IDWS (README "Sikkerhed / security"): the NemLog-in STS token and the
  // WS-Security signature on every call. smdb.environment presets the
  // endpoints and entity ids (preprod | prod); a key set in the file wins.
  struct Idws {
    std::string environment = "preprod";
    security::SoapVersion soapVersion = security::SoapVersion::k12;  // the profile's; DST's WSDL decides
    std::string stsUrl;
    std::string stsEntityId;
    std::string serviceEntityId;
    std::string stsCertificate;  // PEM: the STS's signing certificate
    std::string stsCaFile;       // PEM CA bundle for TLS to the STS (empty: the system's)
    security::CredentialSource function;  // our FOCES/OCES3 function certificate
    int64_t tokenLifetimeMs = 8LL * 3600 * 1000;
    int64_t tokenRefreshMarginMs = 5 * 60 * 1000;
    int64_t tokenMinReissueMs = 60 * 1000;
    int64_t clockSkewMs = 5 * 60 * 1000;
    bool hasFunctionCertificate() const { return !function.pkcs12File.empty() || !function.certFile.empty(); }
  };
  Idws idws;

  // Sandbox (sandbox.h): TLS directory (empty: fresh dev certificates) and its "today".
  std::string sandboxTlsDir;
  std::string sandboxStateFile;  // its records (sandbox_records.h); empty: a temp file
  std::optional<model::Date> sandboxAsOf;
  // Sandbox: lifetime of the tokens its STS stand-in issues.
  int64_t sandboxTokenLifetimeMs = 8LL * 3600 * 1000;

  // Reads the smdb.* keys (and the tilbudList file: I/O). Throws config::ConfigError.
  static Settings fromConfig(const config::Config& config);
};

}  // namespace reghub::smdb
