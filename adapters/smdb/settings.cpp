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
             "IndsaetData host (prod: https://smdbws.dst.dk); the .svc path is part of each message")
          .withDefault(kDefaultEndpoint),
      pathKey("smdb.caFile", "PEM CA bundle to trust for the endpoint (empty: the system's CAs)"),
      millisKey("smdb.timeoutMs", "send/receive timeout per delivery attempt").withDefault("30000").range(1),
      pathKey("smdb.sandboxTlsDir",
              "sandbox: directory with server.pem/server-key.pem/ca.pem (empty: fresh dev certificates in a temp dir)"),
      dateKey("smdb.sandboxAsOf", "sandbox: the day that counts as today for the rules")
          .withDefault("today")
          .orWords({"today"}),
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
  s.endpoint = valueOrDefault(c, "smdb.endpoint");
  s.caFile = c.getString(key("smdb.caFile"));
  s.timeoutMs = c.getInt(key("smdb.timeoutMs"));
  s.sandboxTlsDir = c.getString(key("smdb.sandboxTlsDir"));
  if (const auto a = c.getOptional(key("smdb.sandboxAsOf")); a && *a != "today") s.sandboxAsOf = model::Date::parse(*a);
  return s;
}

}  // namespace reghub::smdb
