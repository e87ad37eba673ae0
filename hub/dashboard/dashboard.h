#pragma once
// The analysts' dashboard (issue 15), served by `reghub run` under
// /dashboard/ on the API's server (ApiServer::mount). Server-rendered HTML
// in Danish, one bundled style sheet, no script.
//
//   GET  /dashboard/login, POST /dashboard/login (token=… | certifikat=1)
//        sign in with an API client's token (http.clients) or the client
//        certificate the TLS handshake verified (its certificateSubject /
//        certificateFingerprint), of a client with the analyst role (or
//        operator/admin) → a session cookie; POST /dashboard/logout (csrf)
//   GET  /dashboard/oversigt[?kommune=K]    deadlines with traffic lights, registry × kommune
//   GET  /dashboard/problemer[?kommune=K]   why not delivered: by rule
//   GET  /dashboard/regel?register=R&kilde=S&regel=X   one rule per kommune and its forløb
//   GET  /dashboard/forloeb?noegle=KEY      one forløb's timeline
//   POST /dashboard/soeg (csrf, cpr)        the timeline of a citizen by CPR (keyed hash; never in a URL)
//   GET  /dashboard/udvikling               SVG charts: outcomes per day, open errors per week, completeness per month
//   GET  /dashboard/opgaver, /parkerede, /certifikater   work lists
//   GET  /dashboard/doede                   dead messages; POST /dashboard/doede/genafsend
//        (csrf[, register]) replays them: operator only
//   GET  /dashboard/csv/<table>.csv[?…]     every table as CSV for a Danish Excel
//   GET  /dashboard/style.css
// No session: 303 to the sign-in page. A POST without the session's CSRF
// token: 403. A kommune-scoped client sees what GET /status shows it.
// Every answer carries CSP, nosniff, no-referrer and no-store headers.
// Thread-safe (handlers run on the server's threads); the store and intake
// are not owned and outlive it. Bad input answers 4xx; store failures 500.
#include <chrono>
#include <memory>
#include <vector>

#include "hub/api/api_client.h"
#include "hub/dashboard/deadlines.h"
#include "hub/net/http_types.h"

namespace reghub::store {
class DeliveryStore;
}
namespace reghub::api {
class Intake;
}

namespace reghub::dashboard {

struct DashboardOptions {
  bool secureCookies = true;  // the API runs HTTPS (cookies marked Secure)
  std::chrono::seconds sessionLifetime{8 * 3600};  // a working day
  // Each configured adapter's deadline rule and certificates (hub/app).
  std::vector<RegistryFacts> registries;
};

class Dashboard {
 public:
  Dashboard(DashboardOptions options, api::ApiClients clients, store::DeliveryStore& store, api::Intake& intake);
  ~Dashboard();
  net::HttpResponse handle(const net::HttpRequest& request);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace reghub::dashboard
