#include "hub/app/api_clients_config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "hub/app/hub_config.h"

namespace reghub::app {

namespace {

using config::ConfigError;
using config::Key;

const Key& declared(const std::string& name) {
  for (const auto& k : hubConfigKeys())
    if (k.name == name) return k;
  throw std::logic_error("undeclared config key " + name);
}

Key clientKey(const std::string& client, const std::string& leaf) {
  return declared("http.client.<client>." + leaf).instantiate(client);
}

bool isClientName(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char ch) {
    return std::isalnum(ch) || ch == '-' || ch == '_';
  });
}

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

std::string modeText(mode_t mode) {
  std::ostringstream o;
  o << std::oct << (mode & 0777);
  return "0" + o.str();
}

// A token file: a regular file only its owner may read or write.
std::string readTokenFile(const config::Config& c, const Key& k, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw c.error(k, k.name + ": the token file " + path + " does not exist (or is not a file)");
  if ((st.st_mode & 077) != 0)
    throw c.error(k, k.name + ": the token file " + path + " has mode " + modeText(st.st_mode) +
                         ", wider than 0600: others may read the token (chmod 600 " + path + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw c.error(k, k.name + ": cannot read the token file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return trimmed(std::move(text));
}

std::string readToken(const config::Config& c, const std::string& client) {
  const Key fileKey = clientKey(client, "tokenFile"), envKey = clientKey(client, "tokenEnv");
  const std::string file = c.getString(fileKey), env = c.getString(envKey);
  if (!file.empty() && !env.empty())
    throw c.error(fileKey, "client " + client + ": give its token as tokenFile or tokenEnv, not both");
  std::string token;
  const Key* from = &fileKey;
  if (!file.empty()) token = readTokenFile(c, fileKey, file);
  if (!env.empty()) {
    from = &envKey;
    const char* v = std::getenv(env.c_str());
    if (!v || !*v) throw c.error(envKey, envKey.name + ": the environment variable " + env + " is not set");
    token = trimmed(v);
  }
  if ((!file.empty() || !env.empty()) && token.size() < 16)
    throw c.error(*from, "client " + client + ": its token is shorter than 16 characters (openssl rand -base64 32)");
  return token;
}

std::set<api::Role> readRoles(const config::Config& c, const std::string& client) {
  const Key k = clientKey(client, "roles");
  std::set<api::Role> roles;
  for (const std::string& r : c.getList(k)) {
    const auto role = api::parseRole(r);
    if (!role) throw c.error(k, k.name + ": unknown role '" + r + "' (roles: intake, analyst, operator, admin)");
    roles.insert(*role);
  }
  if (roles.empty())
    throw c.error(k, k.name + " is not set: say what client " + client +
                         " may do (intake, analyst, operator, admin)");
  return roles;
}

std::set<std::string> readKommuner(const config::Config& c, const std::string& client) {
  const Key k = clientKey(client, "kommuner");
  std::set<std::string> out;
  for (const std::string& code : c.getList(k)) {
    if (code.size() != 4 || !std::all_of(code.begin(), code.end(), [](unsigned char ch) { return std::isdigit(ch); }))
      throw c.error(k, k.name + ": '" + code + "' is not a 4-digit kommune code (e.g. 0101)");
    out.insert(code);
  }
  return out;
}

api::ApiClient readClient(const config::Config& c, const std::string& name) {
  api::ApiClient client;
  client.name = name;
  client.token = readToken(c, name);
  client.certificateSubject = c.getString(clientKey(name, "certificateSubject"));
  const Key fp = clientKey(name, "certificateFingerprint");
  if (const std::string text = c.getString(fp); !text.empty()) {
    client.certificateFingerprint = api::normalizeFingerprint(text);
    if (client.certificateFingerprint.empty())
      throw c.error(fp, fp.name + ": not a SHA-256 fingerprint (64 hex digits, colons allowed), got '" + text + "'");
  }
  if (client.token.empty() && client.certificateSubject.empty() && client.certificateFingerprint.empty())
    throw c.error(clientKey(name, "tokenFile"),
                  "client " + name + " has no way to authenticate: set http.client." + name +
                      ".tokenFile, .tokenEnv, .certificateSubject or .certificateFingerprint");
  client.roles = readRoles(c, name);
  client.kommuner = readKommuner(c, name);
  return client;
}

// No two clients the same token or certificate: a request must name one client.
void rejectShared(const config::Config& c, const std::vector<api::ApiClient>& clients) {
  for (size_t i = 0; i < clients.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const auto& a = clients[i];
      const auto& b = clients[j];
      const auto same = [](const std::string& x, const std::string& y) { return !x.empty() && x == y; };
      if (same(a.token, b.token))
        throw c.error(clientKey(a.name, "tokenFile"), "clients " + b.name + " and " + a.name + " have the same token");
      if (same(a.certificateSubject, b.certificateSubject) || same(a.certificateFingerprint, b.certificateFingerprint))
        throw c.error(clientKey(a.name, "certificateSubject"),
                      "clients " + b.name + " and " + a.name + " have the same certificate");
    }
}

}  // namespace

void checkClientNames(const config::Config& c) {
  const Key& list = declared("http.clients");
  const auto names = c.getList(list);
  for (const std::string& n : names)
    if (!isClientName(n))
      throw c.error(list, "http.clients: '" + n + "' is not a client name (letters, digits, '-', '_')");
  const Key& pattern = declared("http.client.<client>.roles");
  for (const std::string& key : c.keysUnder("http.client")) {
    const std::string client = pattern.placeholderValue(key);
    if (std::find(names.begin(), names.end(), client) == names.end())
      throw ConfigError(key, c.origin(),
                        "'" + key + "': there is no client '" + client + "' in http.clients (add it there, or remove "
                        "its settings)");
  }
}

api::ApiClients readApiClients(const config::Config& c) {
  const Key& legacy = declared("http.tokens");
  if (!c.getList(legacy).empty())
    throw c.error(legacy,
                  "http.tokens (REGHUB_API_TOKENS) is removed: a token with every right for every kommune is no "
                  "longer accepted. Name each client instead, e.g. http.clients = intake1, "
                  "http.client.intake1.tokenEnv = REGHUB_TOKEN_INTAKE1 (or .tokenFile, mode 0600), "
                  "http.client.intake1.roles = intake (docs/OPERATIONS.md \"Clients and roles\"); then unset "
                  "REGHUB_API_TOKENS");
  checkClientNames(c);
  std::vector<api::ApiClient> clients;
  for (const std::string& name : c.getList(declared("http.clients"))) {
    if (std::any_of(clients.begin(), clients.end(), [&](const auto& x) { return x.name == name; }))
      throw c.error(declared("http.clients"), "http.clients names " + name + " twice");
    clients.push_back(readClient(c, name));
  }
  rejectShared(c, clients);
  return api::ApiClients(std::move(clients));
}

}  // namespace reghub::app
