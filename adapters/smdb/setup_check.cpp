#include "adapters/smdb/setup_check.h"

#include <chrono>

#include "adapters/smdb/smdb_adapter.h"
#include "adapters/smdb/soap_render.h"
#include "adapters/smdb/soap_transport.h"
#include "hub/security/codec.h"
#include "hub/security/xml_doc.h"

namespace reghub::smdb {

namespace {

bool has(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

std::string day(std::chrono::system_clock::time_point t) { return security::formatUtc(t).substr(0, 10); }

// The text of the first element named `local` in a SOAP answer.
std::string resultText(const std::string& body, const char* local) {
  std::string error;
  security::XmlDocPtr doc = security::parseXml(body, error);
  if (!doc) return {};
  std::vector<const xmlNode*> todo{xmlDocGetRootElement(doc.get())};
  while (!todo.empty()) {
    const xmlNode* n = todo.back();
    todo.pop_back();
    if (n->type == XML_ELEMENT_NODE && std::string(reinterpret_cast<const char*>(n->name)) == local)
      return security::textOf(n);
    for (const xmlNode* c = n->children; c; c = c->next) todo.push_back(c);
  }
  return {};
}

void fail(std::ostream& out, const std::string& step, const std::string& error) {
  out << "  FEJL / FAILED: " << step << "\n    " << error << "\n";
  if (const std::string hint = hintFor(error); !hint.empty()) out << "    → " << hint << "\n";
}

// One TokenTest call; its result text, or nullopt after printing why not.
std::optional<std::string> tokenTest(SoapDeliverer& d, const char* op, const std::string& payload, std::ostream& out) {
  const IdwsAnswer a = d.call(kTokenTestTarget, std::string(kTokenTestActionBase) + op, payload);
  const engine::DeliveryResult r = classify(a);
  if (a.tokenError) {
    fail(out, std::string("TokenTest ") + op, *a.tokenError);
    return std::nullopt;
  }
  if (!a.http.answered()) {
    fail(out, std::string("TokenTest ") + op, std::string(net::toString(a.http.failure)) + ": " + a.http.error);
    return std::nullopt;
  }
  if (a.http.status != 200) {
    fail(out, std::string("TokenTest ") + op, "HTTP " + std::to_string(a.http.status) + ": " + r.detail);
    return std::nullopt;
  }
  return resultText(a.http.body, (std::string(op) + "Result").c_str());
}

}  // namespace

std::string hintFor(const std::string& e) {
  if (has(e, "not issued by a trusted CA") || has(e, "unable to get local issuer"))
    return "STS'en kender ikke certifikatets udsteder: brug et OCES3/FOCES funktionscertifikat fra MitID Erhverv / "
           "the STS does not trust the certificate's issuer: use an OCES3/FOCES function certificate";
  if (has(e, "certificate has expired") || has(e, "the certificate has expired"))
    return "funktionscertifikatet er udløbet: forny det i MitID Erhverv og opdater smdb.functionCertificate / "
           "the function certificate has expired: renew it and update smdb.functionCertificate";
  if (has(e, "clock") || has(e, "MessageExpired") || has(e, "not yet valid"))
    return "urene går forkert: synkroniser maskinens ur (NTP); tolerance smdb.clockSkewMs / clock skew: synchronise "
           "the clock (NTP); tolerance smdb.clockSkewMs";
  if (has(e, "not signed by the configured STS"))
    return "smdb.stsCertificate er ikke STS'ens signeringscertifikat (eller forkert smdb.environment) / "
           "smdb.stsCertificate is not the STS's signing certificate (or wrong smdb.environment)";
  if (has(e, "wrong issuer"))
    return "ret smdb.stsEntityId (eller smdb.environment) / fix smdb.stsEntityId (or smdb.environment)";
  if (has(e, "AppliesTo") || has(e, "audience"))
    return "ret smdb.serviceEntityId: SMDB's entity id, som den er registreret hos NemLog-in / fix "
           "smdb.serviceEntityId: SMDB's entity id as registered with NemLog-in";
  if (has(e, "wsa:To is not this STS"))
    return "ret smdb.stsEntityId / fix smdb.stsEntityId";
  if (has(e, "tls"))
    return "TLS-forbindelsen blev afvist: er serverens CA i smdb.caFile / smdb.stsCaFile (tom = systemets)? / the TLS "
           "handshake failed: is the server's CA in smdb.caFile / smdb.stsCaFile (empty = the system's)?";
  if (has(e, "connect") || has(e, "timeout"))
    return "serveren kunne ikke nås: kontroller smdb.endpoint / smdb.stsUrl og firewall / the server could not be "
           "reached: check smdb.endpoint / smdb.stsUrl and the firewall";
  if (has(e, "holder-of-key"))
    return "beskeden er ikke signeret med den nøgle, token blev udstedt til: smdb.functionKey skal høre til "
           "smdb.functionCertificate / the message key is not the token's: smdb.functionKey must match the certificate";
  return {};
}

bool checkSetup(const SmdbAdapter& adapter, std::ostream& out) {
  const Settings& s = adapter.settings();
  out << "reghub check smdb: " << s.idws.environment << ", " << s.endpoint << " (SOAP "
      << security::toString(s.idws.soapVersion) << ")\n";
  if (!s.idws.hasFunctionCertificate()) {
    fail(out, "funktionscertifikat / function certificate",
         "intet funktionscertifikat konfigureret / no function certificate configured");
    out << "    → sæt smdb.functionCertificate + smdb.functionKey eller smdb.functionPkcs12 / set "
           "smdb.functionCertificate + smdb.functionKey or smdb.functionPkcs12\n";
    return false;
  }
  const std::shared_ptr<IdwsClient> idws = adapter.idwsClient();  // loads the files (ConfigError → 78)
  const security::Credentials& key = idws->credentials();
  const auto now = std::chrono::system_clock::now();
  out << "1. funktionscertifikat / function certificate: " << key.subject() << ", gyldigt til / valid until "
      << day(key.notAfter()) << "\n";
  if (key.notAfter() <= now) {
    fail(out, "funktionscertifikat / function certificate", "the certificate has expired on " + day(key.notAfter()));
    return false;
  }
  if (key.notAfter() - now < std::chrono::hours(24 * 30))
    out << "   ADVARSEL / WARNING: udløber om under 30 dage / expires in less than 30 days\n";

  const security::TokenOutcome t = idws->token();
  if (!t.ok()) {
    fail(out, "2. STS-token (" + s.idws.stsUrl + ")", t.error);
    return false;
  }
  out << "2. STS-token: udstedt af / issued by " << t.token->info.issuer << " til / for " << t.token->info.nameId
      << ", gyldigt til / valid until " << security::formatUtc(t.token->info.notOnOrAfter) << "\n";

  SoapDeliverer d(s, idws);
  const auto who = tokenTest(d, "WhoAmI", std::string("<WhoAmI xmlns=\"") + kSmdbNamespace + "\"/>", out);
  if (!who) return false;
  out << "3. TokenTest WhoAmI: SMDB ser os som / SMDB sees us as: " << *who << "\n";
  const std::string probe = "reghub-" + security::randomUuid().substr(0, 8);
  const auto echo = tokenTest(d, "Echo", std::string("<Echo xmlns=\"") + kSmdbNamespace + "\"><message>" + probe +
                                             "</message></Echo>", out);
  if (!echo) return false;
  if (*echo != probe) {
    fail(out, "TokenTest Echo", "svaret var ikke det sendte / the answer was not what was sent");
    return false;
  }
  out << "4. TokenTest Echo: OK\nOK: SMDB-opsætningen virker / the SMDB setup works\n";
  return true;
}

}  // namespace reghub::smdb
