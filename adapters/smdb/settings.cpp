#include "adapters/smdb/settings.h"

#include <Poco/Util/AbstractConfiguration.h>

#include <stdexcept>

namespace reghub::smdb {

const std::vector<SettingSpec>& settingSpecs() {
  static const std::vector<SettingSpec> kSpecs = {
      {"smdb.hidden_field_severity", "warning|error", "warning",
       "a value in a field the skema hides ('Vises …', SMDB-GEN-13 and the ui rules); it is never sent"},
      {"smdb.garanti_reason_missing", "warning|error|off", "warning",
       "SMDB-IVAER-07: 4-IVÆR empty although more than 14 days from 2-ANM to 1-IVÆR"},
      {"smdb.anden_uddannelse_affirmative", "bool", "true",
       "SMDB-IVAER-12: 14-IVÆR = 05 'Anden uddannelse' counts as an affirmative answer"},
      {"smdb.substitution_same_day_handover", "bool", "true",
       "SMDB-TILB-11: a substitution tilknytning may end on the day the next one starts"},
      {"smdb.autorisation_required", "bool", "true", "SMDB-TILB-12: 9-TILB required for substitution types"},
      {"smdb.kvalhep_missing_severity", "warning|error", "warning",
       "SMDB-KVAL-03: the risk group has no KvalHep skema"},
      {"smdb.tilbud_list", "path", "", "SMDB-TILB-13: CSV of valid TilbudId (first column), from HentAlleTilbud"},
      {"smdb.go_live", "YYYY-MM-DD", "",
       "SMDB-SYS-08 mellemløsning: forløb with 2-ANM before this date are left to SMDB-web"},
      {"smdb.systemskifte_model", "1|2|mellemloesning", "",
       "Vejledning om systemskifte: 1 = original dates (default behaviour), 2 = re-register active forløb from D+1, "
       "mellemloesning = forløb from before D stay in SMDB-web"},
      {"smdb.systemskifte_date", "YYYY-MM-DD", "", "the systemskifte date D"},
      {"smdb.systemskifte_role", "new|old", "new",
       "model 2: new = re-register active forløb from D+1; old = close every active forløb on D ('Systemskifte')"},
      {"smdb.endpoint", "URL", "https://smdbpreprodws.dst.dk",
       "IndsaetData host (prod: https://smdbws.dst.dk); the .svc path is part of each message"},
      {"smdb.ca_file", "path", "", "PEM CA bundle to trust for the endpoint (empty: the system's CAs)"},
      {"smdb.timeout_ms", "int", "30000", "send/receive timeout per delivery attempt"},
      {"smdb.sandbox_tls_dir", "path", "", "sandbox: directory with server.pem/server-key.pem/ca.pem (empty: fresh dev certificates in a temp dir)"},
      {"smdb.sandbox_as_of", "YYYY-MM-DD", "today", "sandbox: the day that counts as today for the rules"},
  };
  return kSpecs;
}

namespace {
diag::Severity severity(const std::string& key, const std::string& v) {
  if (v == "warning") return diag::Severity::kWarning;
  if (v == "error") return diag::Severity::kError;
  throw std::invalid_argument(key + ": expected warning or error, got '" + v + "'");
}
}  // namespace

Settings Settings::fromConfig(const Poco::Util::AbstractConfiguration* config) {
  Settings s;
  if (!config) return s;
  Poco::Util::AbstractConfiguration::Keys keys;
  config->keys("smdb", keys);
  for (const std::string& k : keys) {
    const std::string full = "smdb." + k;
    bool known = false;
    for (const auto& spec : settingSpecs()) known = known || full == spec.key;
    if (!known) throw std::invalid_argument("unknown configuration key '" + full + "' (see adapters/smdb/README.md)");
  }
  if (config->has("smdb.hidden_field_severity"))
    s.hiddenField = severity("smdb.hidden_field_severity", config->getString("smdb.hidden_field_severity"));
  if (config->has("smdb.garanti_reason_missing")) {
    const std::string v = config->getString("smdb.garanti_reason_missing");
    s.garantiReasonMissing = v == "off" ? std::nullopt : std::optional(severity("smdb.garanti_reason_missing", v));
  }
  s.andenUddannelseIsAffirmative = config->getBool("smdb.anden_uddannelse_affirmative", true);
  s.substitutionSameDayHandover = config->getBool("smdb.substitution_same_day_handover", true);
  s.autorisationRequired = config->getBool("smdb.autorisation_required", true);
  if (config->has("smdb.kvalhep_missing_severity"))
    s.kvalhepMissing = severity("smdb.kvalhep_missing_severity", config->getString("smdb.kvalhep_missing_severity"));
  s.tilbudList = config->getString("smdb.tilbud_list", "");
  if (const std::string g = config->getString("smdb.go_live", ""); !g.empty()) {
    s.goLive = model::Date::parse(g);
    if (!s.goLive) throw std::invalid_argument("smdb.go_live: expected YYYY-MM-DD, got '" + g + "'");
  }
  const std::string skifte = config->getString("smdb.systemskifte_model", "");
  const std::string date = config->getString("smdb.systemskifte_date", "");
  if (!skifte.empty() || !date.empty()) {
    s.systemskifteDate = model::Date::parse(date);
    if (!s.systemskifteDate)
      throw std::invalid_argument("smdb.systemskifte_date: expected YYYY-MM-DD, got '" + date + "'");
    if (skifte == "1") s.systemskifteModel = SystemskifteModel::kModel1;
    else if (skifte == "2") s.systemskifteModel = SystemskifteModel::kModel2;
    else if (skifte == "mellemloesning") s.goLive = s.systemskifteDate;
    else throw std::invalid_argument("smdb.systemskifte_model: expected 1, 2 or mellemloesning, got '" + skifte + "'");
    const std::string role = config->getString("smdb.systemskifte_role", "new");
    if (role == "old") s.systemskifteRole = SystemskifteRole::kOld;
    else if (role != "new") throw std::invalid_argument("smdb.systemskifte_role: expected new or old, got '" + role + "'");
  }
  return s;
}

}  // namespace reghub::smdb
