#include "adapters/smdb/settings.h"

#include <fstream>
#include <stdexcept>

#include "hub/util/strings.h"

namespace reghub::smdb {

const std::vector<config::Key>& settingKeys() {
  using namespace config;
  static const std::vector<Key> kKeys = {
      enumKey("smdb.hiddenFieldSeverity", {"warning", "error"},
              "a value in a field the skema hides ('Vises …', SMDB-GEN-13 and the ui rules); it is never sent")
          .withDefault("warning"),
      enumKey("smdb.garantiReasonMissing", {"warning", "error", "off"},
              "SMDB-IVAER-07: 4-IVÆR empty although more than 14 days from 2-ANM to 1-IVÆR")
          .withDefault("warning"),
      boolKey("smdb.andenUddannelseAffirmative",
              "SMDB-IVAER-12: 14-IVÆR = 05 'Anden uddannelse' counts as an affirmative answer")
          .withDefault("true"),
      boolKey("smdb.substitutionSameDayHandover",
              "SMDB-TILB-11: a substitution tilknytning may end on the day the next one starts")
          .withDefault("true"),
      boolKey("smdb.autorisationRequired", "SMDB-TILB-12: 9-TILB required for substitution types").withDefault("true"),
      enumKey("smdb.kvalhepMissingSeverity", {"warning", "error"}, "SMDB-KVAL-03: the risk group has no KvalHep skema")
          .withDefault("warning"),
      pathKey("smdb.tilbudList", "SMDB-TILB-13: CSV of valid TilbudId (first column), from HentAlleTilbud"),
      dateKey("smdb.goLive", "SMDB-SYS-08 mellemløsning: forløb with 2-ANM before this date are left to SMDB-web"),
      enumKey(
          "smdb.systemskifteModel", {"1", "2", "mellemloesning"},
          "Vejledning om systemskifte: 1 = original dates (default behaviour), 2 = re-register active forløb from D+1, "
          "mellemloesning = forløb from before D stay in SMDB-web"),
      dateKey("smdb.systemskifteDate", "the systemskifte date D"),
      enumKey(
          "smdb.systemskifteRole", {"new", "old"},
          "model 2: new = re-register active forløb from D+1; old = close every active forløb on D ('Systemskifte')")
          .withDefault("new"),
      urlKey("smdb.endpoint", {"https"},
             "SMDB host (empty: from smdb.environment; preprod https://smdbpreprodws.dst.dk, prod "
             "https://smdbws.dst.dk); the .svc path is part of each message"),
      listKey("smdb.syncKommuner",
              "HentData sync: kommuner (4-digit codes) to read besides those the store has SMDB messages for"),
      pathKey("smdb.caFile", "PEM CA bundle to trust for the endpoint (empty: the system's CAs)"),
      millisKey("smdb.timeoutMs", "send/receive timeout per delivery attempt").withDefault("30000").range(1),
      enumKey("smdb.environment", {"preprod", "prod", "custom"},
              "where SMDB data goes — DST's preprod or prod (presets the endpoint, STS URL and entity ids), or "
              "custom (give them all); required for delivery: no default, so no data leaves by accident"),
      enumKey("smdb.soapVersion", {"1.1", "1.2"},
              "SOAP version on the wire (OIO IDWS SOAP profile: 1.2; DST's WSDL decides)")
          .withDefault("1.2"),
      urlKey("smdb.stsUrl", {"https"}, "NemLog-in STS endpoint (WS-Trust 1.3 Issue); empty: from smdb.environment"),
      stringKey("smdb.stsEntityId", "the STS's entity id (wsa:To, the assertion's Issuer); empty: from smdb.environment"),
      stringKey("smdb.serviceEntityId",
                "SMDB's entity id (AppliesTo, the assertion's Audience); empty: from smdb.environment"),
      pathKey("smdb.stsCertificate", "PEM certificate of the STS's signing key (the assertion must be signed by it)"),
      pathKey("smdb.stsCaFile", "PEM CA bundle to trust for TLS to the STS (empty: the system's CAs)"),
      pathKey("smdb.functionCertificate", "PEM function certificate (FOCES/OCES3 funktionscertifikat) of the kommune or vendor"),
      pathKey("smdb.functionKey", "PEM private key of smdb.functionCertificate (may be encrypted)"),
      pathKey("smdb.functionPkcs12", "PKCS#12 (.p12/.pfx) with the function certificate and key, instead of the PEM pair"),
      stringKey("smdb.functionPassphraseEnv",
                "name of the environment variable holding the key's / PKCS#12 passphrase (never the passphrase itself)")
          .withDefault("REGHUB_SMDB_CERT_PASSPHRASE"),
      millisKey("smdb.tokenLifetimeMs", "token lifetime to ask the STS for (its policy: at most 8 hours)")
          .withDefault("28800000")
          .range(60000),
      millisKey("smdb.tokenRefreshMarginMs", "fetch a new token this long before the cached one expires")
          .withDefault("300000")
          .range(0),
      millisKey("smdb.tokenMinReissueMs",
                "a token SMDB refuses is replaced only when at least this old (bad credentials cause no STS storm)")
          .withDefault("60000")
          .range(0),
      millisKey("smdb.clockSkewMs", "tolerated clock difference for token validity and timestamps")
          .withDefault("300000")
          .range(0),
      pathKey("smdb.sandboxTlsDir",
              "sandbox: directory with server.pem/server-key.pem/ca.pem (empty: fresh dev certificates in a temp dir)"),
      pathKey("smdb.sandboxStateFile",
              "sandbox: SQLite file with the records it holds (kept across restarts; empty: a temp file, removed on stop)"),
      dateKey("smdb.sandboxAsOf", "sandbox: the day that counts as today for the rules")
          .withDefault("today")
          .orWords({"today"}),
      millisKey("smdb.sandboxTokenLifetimeMs", "sandbox: lifetime of the tokens its STS stand-in issues")
          .withDefault("28800000")
          .range(1000),
  };
  return kKeys;
}

namespace {

const config::Key& key(std::string_view name) {
  for (const auto& k : settingKeys())
    if (k.name == name) return k;
  throw std::logic_error("undeclared smdb key " + std::string(name));
}

// An enum/url key with a default: an empty value in the file means the default.
std::string valueOrDefault(const config::Config& c, std::string_view name) {
  return c.getOptional(key(name)).value_or(key(name).defaultValue);
}

diag::Severity severity(const std::string& v) {
  return v == "error" ? diag::Severity::kError : diag::Severity::kWarning;
}

std::optional<model::Date> date(const config::Config& c, std::string_view name) {
  const auto v = c.getOptional(key(name));
  return v ? model::Date::parse(*v) : std::nullopt;  // checked as YYYY-MM-DD already
}

std::shared_ptr<const std::set<std::string>> loadTilbudList(const config::Config& c, const std::string& path) {
  if (path.empty()) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw c.error(key("smdb.tilbudList"), "smdb.tilbudList: cannot read " + path);
  auto ids = std::make_shared<std::set<std::string>>();
  std::string line;
  while (std::getline(in, line)) {
    const auto cols = util::split(util::trim(line), ',');
    if (!cols.empty() && util::isAllDigits(util::trim(cols[0])) && !util::trim(cols[0]).empty())
      ids->insert(util::trim(cols[0]));
  }
  return ids;
}

// Systemskifte: the model and the date D go together; "mellemloesning" is goLive = D.
void readSystemskifte(const config::Config& c, Settings& s) {
  const std::string skifte = c.getOptional(key("smdb.systemskifteModel")).value_or("");
  const std::string d = c.getOptional(key("smdb.systemskifteDate")).value_or("");
  if (skifte.empty() && d.empty()) return;
  if (d.empty())
    throw c.error(
        key("smdb.systemskifteDate"),
        "smdb.systemskifteDate: expected YYYY-MM-DD (the date D of smdb.systemskifteModel = " + skifte + "), got ''");
  if (skifte.empty())
    throw c.error(key("smdb.systemskifteModel"),
                  "smdb.systemskifteModel: expected 1, 2 or mellemloesning (smdb.systemskifteDate is set), got ''");
  s.systemskifteDate = model::Date::parse(d);
  if (skifte == "1")
    s.systemskifteModel = Settings::SystemskifteModel::kModel1;
  else if (skifte == "2")
    s.systemskifteModel = Settings::SystemskifteModel::kModel2;
  else
    s.goLive = s.systemskifteDate;  // mellemloesning
  if (c.getOptional(key("smdb.systemskifteRole")).value_or("new") == "old")
    s.systemskifteRole = Settings::SystemskifteRole::kOld;
}

// What smdb.environment presets (I: the entity ids are inferred — to be
// confirmed with DST and NemLog-in; a key set in the file wins).
struct Preset {
  const char* endpoint;
  const char* stsUrl;
  const char* stsEntityId;
  const char* serviceEntityId;
};
const Preset* presetFor(const std::string& environment) {
  static const Preset kPreprod{"https://smdbpreprodws.dst.dk",
                               "https://SecureTokenService.test-nemlog-in.dk/SecurityTokenService.svc",
                               "https://SecureTokenService.test-nemlog-in.dk", "https://smdbpreprodws.dst.dk"};
  static const Preset kProd{"https://smdbws.dst.dk", "https://SecureTokenService.nemlog-in.dk/SecurityTokenService.svc",
                            "https://SecureTokenService.nemlog-in.dk", "https://smdbws.dst.dk"};
  if (environment == "preprod") return &kPreprod;
  if (environment == "prod") return &kProd;
  return nullptr;
}

std::string presetOr(const config::Config& c, std::string_view name, const Preset* preset, const char* Preset::*field) {
  if (auto v = c.getOptional(key(name)); v && !v->empty()) return *v;
  if (preset) return preset->*field;
  return {};
}

void readIdws(const config::Config& c, Settings& s) {
  Settings::Idws& a = s.idws;
  a.environment = c.getString(key("smdb.environment"));
  const Preset* preset = presetFor(a.environment);
  s.endpoint = presetOr(c, "smdb.endpoint", preset, &Preset::endpoint);
  a.stsUrl = presetOr(c, "smdb.stsUrl", preset, &Preset::stsUrl);
  a.stsEntityId = presetOr(c, "smdb.stsEntityId", preset, &Preset::stsEntityId);
  a.serviceEntityId = presetOr(c, "smdb.serviceEntityId", preset, &Preset::serviceEntityId);
  if (a.environment == "custom")
    for (const char* k : {"smdb.endpoint", "smdb.stsUrl", "smdb.stsEntityId", "smdb.serviceEntityId"})
      if (c.getString(key(k)).empty())
        throw c.error(key(k), std::string(k) + ": required with smdb.environment = custom (or choose preprod/prod)");
  a.soapVersion = *security::parseSoapVersion(valueOrDefault(c, "smdb.soapVersion"));
  a.stsCertificate = c.getString(key("smdb.stsCertificate"));
  a.stsCaFile = c.getString(key("smdb.stsCaFile"));
  a.function.certFile = c.getString(key("smdb.functionCertificate"));
  a.function.keyFile = c.getString(key("smdb.functionKey"));
  a.function.pkcs12File = c.getString(key("smdb.functionPkcs12"));
  a.function.passphraseEnv = valueOrDefault(c, "smdb.functionPassphraseEnv");
  a.function.setting = a.function.pkcs12File.empty() ? "smdb.functionCertificate" : "smdb.functionPkcs12";
  if (!a.function.certFile.empty() && a.function.keyFile.empty() && a.function.pkcs12File.empty())
    throw c.error(key("smdb.functionKey"), "smdb.functionKey: required with smdb.functionCertificate (the PEM key file)");
  // A certificate says "deliver"; where to must be said as plainly (the
  // data are full CPR numbers and names).
  if (a.hasFunctionCertificate() && a.environment.empty())
    throw c.error(key("smdb.environment"),
                  "smdb.environment: required with a function certificate — preprod (DST's test service), prod "
                  "(DST's production) or custom (with smdb.endpoint and the STS keys)");
  if (a.hasFunctionCertificate() && a.stsCertificate.empty())
    throw c.error(key("smdb.stsCertificate"),
                  "smdb.stsCertificate: required to check the STS's tokens (the NemLog-in STS signing certificate, PEM)");
  a.tokenLifetimeMs = c.getInt(key("smdb.tokenLifetimeMs"));
  a.tokenRefreshMarginMs = c.getInt(key("smdb.tokenRefreshMarginMs"));
  a.tokenMinReissueMs = c.getInt(key("smdb.tokenMinReissueMs"));
  a.clockSkewMs = c.getInt(key("smdb.clockSkewMs"));
}

}  // namespace

Settings Settings::fromConfig(const config::Config& c) {
  Settings s;
  s.hiddenField = severity(valueOrDefault(c, "smdb.hiddenFieldSeverity"));
  const std::string garanti = valueOrDefault(c, "smdb.garantiReasonMissing");
  s.garantiReasonMissing = garanti == "off" ? std::nullopt : std::optional(severity(garanti));
  s.andenUddannelseIsAffirmative = c.getBool(key("smdb.andenUddannelseAffirmative"));
  s.substitutionSameDayHandover = c.getBool(key("smdb.substitutionSameDayHandover"));
  s.autorisationRequired = c.getBool(key("smdb.autorisationRequired"));
  s.kvalhepMissing = severity(valueOrDefault(c, "smdb.kvalhepMissingSeverity"));
  s.tilbudList = c.getString(key("smdb.tilbudList"));
  s.tilbudIds = loadTilbudList(c, s.tilbudList);
  s.goLive = date(c, "smdb.goLive");
  readSystemskifte(c, s);
  readIdws(c, s);
  s.caFile = c.getString(key("smdb.caFile"));
  s.timeoutMs = c.getInt(key("smdb.timeoutMs"));
  for (const std::string& k : c.getList(key("smdb.syncKommuner"))) {
    if (k.size() != 4 || k.find_first_not_of("0123456789") != std::string::npos)
      throw c.error(key("smdb.syncKommuner"), "smdb.syncKommuner: '" + k + "' is not a 4-digit kommune code (e.g. 0330)");
    s.syncKommuner.push_back(k);
  }
  s.sandboxTlsDir = c.getString(key("smdb.sandboxTlsDir"));
  s.sandboxStateFile = c.getString(key("smdb.sandboxStateFile"));
  if (const auto a = c.getOptional(key("smdb.sandboxAsOf")); a && *a != "today") s.sandboxAsOf = model::Date::parse(*a);
  s.sandboxTokenLifetimeMs = c.getInt(key("smdb.sandboxTokenLifetimeMs"));
  return s;
}

}  // namespace reghub::smdb
