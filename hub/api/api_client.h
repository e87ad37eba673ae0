#pragma once
// Who may do what on the API (issue 13 "Who may do what"): the named clients
// of the configuration (http.clients; read by hub/app/api_clients_config.h),
// each known by a bearer token or a client certificate (matched by subject
// or SHA-256 fingerprint, not "any certificate the CA signed"), with roles
// and optionally the kommuner it may act for.
//
// Roles: `intake` posts data; `analyst` reads status, rejections, metrics;
// `operator` replays (and reads what an analyst reads); `admin` may do all.
// Pure values; thread-safe to share once built.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace reghub::api {

enum class Role { kIntake, kAnalyst, kOperator, kAdmin };

std::string_view toString(Role role);
std::optional<Role> parseRole(std::string_view text);  // "intake" → kIntake
// What a role grants: what `role` itself names, operator also reads, admin everything.
bool grants(Role held, Role needed);

struct ApiClient {
  std::string name;
  std::string token;  // secret (never logged); empty: none
  // RFC 2253 form (`openssl x509 -noout -subject -nameopt RFC2253`); empty: none.
  std::string certificateSubject;
  // SHA-256 of the DER certificate, lower-case hex without colons; empty: none.
  std::string certificateFingerprint;
  std::set<Role> roles;
  std::set<std::string> kommuner;  // 4-digit codes; empty = every kommune

  bool may(Role needed) const;
  bool scoped() const { return !kommuner.empty(); }
  bool covers(const std::string& kommune) const { return !scoped() || kommuner.count(kommune) > 0; }
};

// The configured clients, looked up by what a request presents.
class ApiClients {
 public:
  ApiClients() = default;
  explicit ApiClients(std::vector<ApiClient> clients) : clients_(std::move(clients)) {}

  bool empty() const { return clients_.empty(); }
  const std::vector<ApiClient>& all() const { return clients_; }
  // The client whose token this is (compared in constant time, every
  // client's), or null.
  const ApiClient* byToken(std::string_view token) const;
  // The client with this certificate (fingerprint first, then subject), or null.
  const ApiClient* byCertificate(std::string_view subject, std::string_view sha256Hex) const;

 private:
  std::vector<ApiClient> clients_;
};

// "AB:CD:…" or "abcd…" → "abcd…"; empty when it is not 64 hex digits.
std::string normalizeFingerprint(std::string_view text);

}  // namespace reghub::api
