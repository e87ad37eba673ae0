// The analysts' dashboard (issue 15) over real HTTPS on loopback, mounted on
// a real ApiServer with a real SQLite store filled by a real ingest through
// the API: sign-in and its cookie, the security headers, CSRF and roles on
// every POST, the overview's numbers against GET /status, a kommune-scoped
// client's view, CSV, and no full CPR in any page or file.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <fstream>
#include <regex>

#include <rapidjson/document.h>

#include "hub/api/api_server.h"
#include "hub/dashboard/dashboard.h"
#include "hub/engine/adapter_registry.h"
#include "hub/net/dev_tls.h"
#include "hub/net/https_client.h"
#include "tests/support/store_test_support.h"

namespace reghub::dashboard {
namespace {

api::ApiClient client(std::string name, std::string token, std::set<api::Role> roles, std::set<std::string> kommuner = {}) {
  api::ApiClient c;
  c.name = std::move(name);
  c.token = std::move(token);
  c.roles = std::move(roles);
  c.kommuner = std::move(kommuner);
  return c;
}

// A whole SMDB forløb of a citizen managed by `kommune` (a keep case of the SMDB rule tests).
std::string citizen(const std::string& patient, const std::string& cpr, const std::string& kommune) {
  std::ifstream in(std::string(REGHUB_SOURCE_DIR) + "/tests/adapters/smdb/cases/SMDB-IVAER-10__keep_andet_with_text/input.json");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(s.empty());
  const auto replaceAll = [&s](const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  };
  replaceAll("-1\"", "-" + patient + "\"");
  replaceAll("0101901235", cpr);
  replaceAll("\"0330\"", "\"" + kommune + "\"");
  return s;
}

const std::string kCpr0101 = "0101804321", kCpr0330 = "0202805433";
const std::regex kTenDigits("[0-9]{10}");

std::string hdr(const net::HttpResult& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tls_ = net::writeDevTls((dir_.path() / "tls").string());
    store_ = store::DeliveryStore::open({"sqlite:" + (dir_.path() / "store.db").string(), testing::testKeyring()});
    std::vector<std::shared_ptr<const engine::Adapter>> adapters;
    for (auto& a : engine::AdapterRegistry::createAll()) adapters.push_back(std::move(a));
    intake_ = std::make_unique<api::Intake>(*store_, adapters);
    api::HttpOptions o;
    o.port = 0;
    o.certificate = tls_.serverCertFile;
    o.privateKey = tls_.serverKeyFile;
    o.clients = api::ApiClients({
        client("admin", "token-admin-0123456789", {api::Role::kAdmin}),
        client("analyst", "token-analyst-0123456789", {api::Role::kAnalyst}),
        client("operator", "token-operator-0123456789", {api::Role::kOperator}),
        client("analyst0101", "token-analyst0101-0123456789", {api::Role::kAnalyst}, {"0101"}),
        client("intake", "token-intake-0123456789", {api::Role::kIntake}),
    });
    server_ = std::make_unique<api::ApiServer>(o, 100000, *store_, *intake_, nullptr);
    dashboard_ = std::make_unique<Dashboard>(DashboardOptions{true}, o.clients, *store_, *intake_);
    server_->mount("/dashboard", [d = dashboard_.get()](const net::HttpRequest& r) { return d->handle(r); });
    server_->start();
    net::HttpsClientOptions co;
    co.caFile = tls_.caCertFile;
    http_ = std::make_unique<net::HttpsClient>(server_->baseUrl(), co);
  }
  void TearDown() override { server_->stop(); }

  // Two kommuner's citizens through the API; then one message of 0330 dead
  // and one of 0101 rejected, as the outbox would record them.
  void fill() {
    ASSERT_EQ(api("admin", "POST", "/fhir", citizen("p1", kCpr0101, "0101")).status, 202);
    ASSERT_EQ(api("admin", "POST", "/fhir", citizen("p2", kCpr0330, "0330")).status, 202);
    const int64_t now = store::nowMillis();
    // Only messages without predecessors are claimed (the anmodninger); the rest keep waiting.
    for (auto& m : store_->claim(100, "w", now, 60'000)) {
      store::AttemptOutcome out;
      const bool k0330 = m.message.kommune == "0330";
      out.next = k0330 ? store::MessageState::kDead : store::MessageState::kRejected;
      out.httpStatus = k0330 ? 503 : 400;
      out.detail = k0330 ? "gave up after 20 attempts" : "SMDB-ANM-99: afvist om " + kCpr0101;
      store_->complete(m, "w", out, now);
    }
    store_->releaseClaims("w", now);
  }

  // A POST /fhir's 202 comes before its ingest (issue 10): waited for until done.
  net::HttpResult api(const std::string& who, const std::string& method, const std::string& path, const std::string& body = {}) {
    auto r = http_->send(method, path, body, body.empty() ? "" : "application/fhir+json",
                         {{"Authorization", "Bearer token-" + who + "-0123456789"}});
    for (int i = 0; method == "POST" && path == "/fhir" && r.status == 202 && i < 400; ++i) {
      const auto at = http_->send("GET", r.headers.at("location"), "", "", {{"Authorization", "Bearer token-admin-0123456789"}});
      if (at.body.find(R"("state":"done")") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return r;
  }
  // Signs in; returns the cookie's value and its CSRF token (read from a page's logout form).
  std::pair<std::string, std::string> signIn(const std::string& who) {
    const auto r = http_->send("POST", "/dashboard/login", "token=token-" + who + "-0123456789",
                               "application/x-www-form-urlencoded", {});
    EXPECT_EQ(r.status, 303) << r.body;
    const std::string cookie = r.headers.count("set-cookie") ? r.headers.at("set-cookie") : "";
    const auto eq = cookie.find('='), semi = cookie.find(';');
    const std::string session = eq == std::string::npos ? "" : cookie.substr(eq + 1, semi - eq - 1);
    const auto page = get(session, "/dashboard/oversigt");
    std::smatch m;
    const bool found = std::regex_search(page.body, m, std::regex(R"re(name="csrf" value="([a-p]+)")re"));
    EXPECT_TRUE(found) << page.body;
    return {session, found ? m[1].str() : ""};
  }
  net::HttpResult get(const std::string& session, const std::string& path) {
    return http_->send("GET", path, "", "", {{"Cookie", "reghub_session=" + session}});
  }
  net::HttpResult post(const std::string& session, const std::string& path, const std::string& form) {
    return http_->send("POST", path, form, "application/x-www-form-urlencoded", {{"Cookie", "reghub_session=" + session}});
  }
  static void expectNoFullCpr(const net::HttpResult& r, const std::string& what) {
    EXPECT_FALSE(std::regex_search(r.body, kTenDigits)) << what << " shows a full CPR number";
    for (const auto& [k, v] : r.headers) EXPECT_FALSE(std::regex_search(v, kTenDigits)) << what << " header " << k;
  }

  testing::TempDir dir_{"reghub-dashboard"};
  net::DevTlsFiles tls_;
  std::unique_ptr<store::DeliveryStore> store_;
  std::unique_ptr<api::Intake> intake_;
  std::unique_ptr<api::ApiServer> server_;
  std::unique_ptr<Dashboard> dashboard_;
  std::unique_ptr<net::HttpsClient> http_;
};

TEST_F(DashboardTest, NoSession_RedirectsToSignInAndTheApiStays401) {
  for (const char* path : {"/dashboard/oversigt", "/dashboard/problemer", "/dashboard/csv/oversigt.csv"}) {
    const auto r = http_->send("GET", path, "", "", {});
    EXPECT_EQ(r.status, 303) << path;
    EXPECT_EQ(r.headers.count("location") ? r.headers.at("location") : "", "/dashboard/login") << path;
  }
  EXPECT_EQ(get("not-a-session", "/dashboard/oversigt").status, 303);
  EXPECT_EQ(http_->send("GET", "/dashboard/login", "", "", {}).status, 200);
  EXPECT_EQ(http_->send("GET", "/status", "", "", {}).status, 401);
  EXPECT_EQ(http_->send("GET", "/dashboard/nothing-here", "", "", {}).status, 404);
}

TEST_F(DashboardTest, SignIn_CookieIsSecureHttpOnlyStrictAndExpires) {
  const auto r = http_->send("POST", "/dashboard/login", "token=token-analyst-0123456789",
                             "application/x-www-form-urlencoded", {});
  ASSERT_EQ(r.status, 303) << r.body;
  const std::string cookie = r.headers.at("set-cookie");
  for (const char* flag : {"; Secure", "; HttpOnly", "; SameSite=Strict", "; Max-Age=", "; Path=/dashboard"})
    EXPECT_NE(cookie.find(flag), std::string::npos) << flag << " in " << cookie;
  EXPECT_TRUE(std::regex_search(cookie, std::regex("reghub_session=[a-p]{64};"))) << cookie;
  EXPECT_EQ(r.headers.at("location"), "/dashboard/oversigt");
}

TEST_F(DashboardTest, SignIn_AnUnknownTokenOrAClientWithoutAnalystIsRefused) {
  const auto bad = http_->send("POST", "/dashboard/login", "token=nope", "application/x-www-form-urlencoded", {});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.headers.count("set-cookie"), 0u);
  const auto intake = http_->send("POST", "/dashboard/login", "token=token-intake-0123456789",
                                  "application/x-www-form-urlencoded", {});
  EXPECT_EQ(intake.status, 403);
  EXPECT_EQ(intake.headers.count("set-cookie"), 0u);
  EXPECT_EQ(http_->send("POST", "/dashboard/login", "%zz", "application/x-www-form-urlencoded", {}).status, 401);
}

TEST_F(DashboardTest, SecurityHeaders_OnEveryPage) {
  fill();
  const auto [session, csrf] = signIn("analyst");
  for (const char* path : {"/dashboard/login", "/dashboard/oversigt", "/dashboard/problemer", "/dashboard/doede",
                           "/dashboard/forloeb", "/dashboard/csv/oversigt.csv", "/dashboard/style.css", "/dashboard/x"}) {
    const auto r = get(session, path);
    EXPECT_LT(r.status, 500) << path;
    EXPECT_EQ(hdr(r, "content-security-policy"), "default-src 'self'; frame-ancestors 'none'") << path;
    EXPECT_EQ(hdr(r, "x-content-type-options"), "nosniff") << path;
    EXPECT_EQ(hdr(r, "referrer-policy"), "no-referrer") << path;
    EXPECT_EQ(hdr(r, "cache-control"), "no-store") << path;
    EXPECT_EQ(r.body.find("<script"), std::string::npos) << path;
  }
}

TEST_F(DashboardTest, Csrf_LogoutAndReplayWithoutTheTokenAre403) {
  fill();
  const auto [session, csrf] = signIn("operator");
  EXPECT_EQ(post(session, "/dashboard/logout", "").status, 403);
  EXPECT_EQ(post(session, "/dashboard/logout", "csrf=wrong").status, 403);
  EXPECT_EQ(post(session, "/dashboard/doede/genafsend", "").status, 403);
  EXPECT_EQ(store_->counts({}, "0330").size() > 0, true);
  EXPECT_EQ(get(session, "/dashboard/oversigt").status, 200);  // still signed in
  const auto out = post(session, "/dashboard/logout", "csrf=" + csrf);
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(hdr(out, "set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(get(session, "/dashboard/oversigt").status, 303);  // signed out
}

int64_t deadCount(store::DeliveryStore& s) {
  int64_t n = 0;
  for (const auto& c : s.counts())
    if (c.state == store::MessageState::kDead) n += c.count;
  return n;
}

TEST_F(DashboardTest, Replay_AnAnalystIs403AnOperatorSendsTheDeadAgain) {
  fill();
  ASSERT_GT(deadCount(*store_), 0);
  const auto [analyst, analystCsrf] = signIn("analyst");
  EXPECT_EQ(get(analyst, "/dashboard/doede").body.find("genafsend"), std::string::npos) << "no replay button for an analyst";
  EXPECT_EQ(post(analyst, "/dashboard/doede/genafsend", "csrf=" + analystCsrf).status, 403);
  EXPECT_GT(deadCount(*store_), 0);
  const auto [op, opCsrf] = signIn("operator");
  const auto page = get(op, "/dashboard/doede");
  EXPECT_NE(page.body.find(R"(action="/dashboard/doede/genafsend")"), std::string::npos) << page.body;
  const auto r = post(op, "/dashboard/doede/genafsend", "csrf=" + opCsrf);
  EXPECT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(deadCount(*store_), 0);
  EXPECT_EQ(get(op, hdr(r, "location")).status, 200);
  const auto audit = store_->audit();
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [](const auto& a) { return a.actor == "dashboard:operator"; }));
}

// The overview's cells by (registry, kommune): godkendt, afvist, død, venter.
std::map<std::pair<std::string, std::string>, std::array<int64_t, 4>> fromStatusJson(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  std::map<std::pair<std::string, std::string>, std::array<int64_t, 4>> out;
  for (const auto& c : d["counts"].GetArray()) {
    const std::string state = c["state"].GetString();
    auto& row = out[{c["registry"].GetString(), c["kommune"].GetString()}];
    const int64_t n = c["count"].GetInt64();
    if (state == "accepted") row[0] += n;
    if (state == "rejected") row[1] += n;
    if (state == "dead") row[2] += n;
    if (state == "pending" || state == "sending" || state == "retry-wait") row[3] += n;
  }
  return out;
}

std::map<std::pair<std::string, std::string>, std::array<int64_t, 4>> fromOverviewCsv(const std::string& csv) {
  std::map<std::pair<std::string, std::string>, std::array<int64_t, 4>> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ';');) f.push_back(x);
    if (f.size() < 6) continue;
    out[{f[0], f[1]}] = {std::stoll(f[2]), std::stoll(f[3]), std::stoll(f[4]), std::stoll(f[5])};
  }
  return out;
}

TEST_F(DashboardTest, Overview_NumbersEqualTheStatusApi) {
  fill();
  const auto [session, csrf] = signIn("analyst");
  const auto csv = get(session, "/dashboard/csv/oversigt.csv");
  ASSERT_EQ(csv.status, 200);
  const auto expected = fromStatusJson(api("analyst", "GET", "/status").body);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(fromOverviewCsv(csv.body), expected);
  // The page shows the same table.
  const auto page = get(session, "/dashboard/oversigt");
  EXPECT_NE(page.body.find("<th>Godkendt</th><th>Afvist</th><th>Død</th><th>Venter</th>"), std::string::npos);
  // A scoped analyst: what /status shows it, and another kommune is 403.
  const auto [scoped, scopedCsrf] = signIn("analyst0101");
  const auto mine = fromOverviewCsv(get(scoped, "/dashboard/csv/oversigt.csv").body);
  EXPECT_EQ(mine, fromStatusJson(api("analyst0101", "GET", "/status").body));
  for (const auto& [at, n] : mine) EXPECT_EQ(at.second, "0101");
  EXPECT_EQ(get(scoped, "/dashboard/oversigt?kommune=0330").status, 403);
  EXPECT_EQ(get(scoped, "/dashboard/csv/problemer.csv?kommune=0330").status, 403);
}

TEST_F(DashboardTest, WhyNotDelivered_RulesLinkToTheirPageAndAForloebsTimeline) {
  fill();
  const auto [session, csrf] = signIn("analyst");
  const auto problems = get(session, "/dashboard/problemer");
  ASSERT_EQ(problems.status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(problems.body, m, std::regex(R"re(href="(/dashboard/regel\?[^"]+)")re"))) << problems.body;
  std::string link = m[1].str();
  for (size_t at = link.find("&amp;"); at != std::string::npos; at = link.find("&amp;")) link.replace(at, 5, "&");
  const auto rule = get(session, link);
  EXPECT_EQ(rule.status, 200) << link;
  EXPECT_NE(rule.body.find("<td>0"), std::string::npos) << "per kommune: " << rule.body;
  const auto timeline = get(session, "/dashboard/forloeb?noegle=src-ep-p1");
  EXPECT_EQ(timeline.status, 200);
  EXPECT_NE(timeline.body.find("afvist"), std::string::npos) << timeline.body;
  EXPECT_EQ(get(session, "/dashboard/forloeb?noegle=" + kCpr0101).status, 400) << "a CPR is no key";
}

TEST_F(DashboardTest, NoFullCprInAnyPageOrCsv_CsvIsForDanishExcel) {
  fill();
  const auto [session, csrf] = signIn("admin");
  for (const char* path : {"/dashboard/oversigt", "/dashboard/problemer", "/dashboard/doede", "/dashboard/forloeb?noegle=src-ep-p1",
                           "/dashboard/forloeb?noegle=src-ep-p2", "/dashboard/regel?register=smdb&kilde=registry&regel=SMDB-ANM-99"}) {
    const auto r = get(session, path);
    EXPECT_EQ(r.status, 200) << path;
    expectNoFullCpr(r, path);
  }
  for (const char* table : {"oversigt", "parkerede", "opgaver", "udenfor-hubben", "problemer", "doede"}) {
    const auto r = get(session, std::string("/dashboard/csv/") + table + ".csv");
    ASSERT_EQ(r.status, 200) << table;
    expectNoFullCpr(r, table);
    EXPECT_EQ(r.body.rfind("\xEF\xBB\xBF", 0), 0u) << table << ": BOM";
    EXPECT_NE(r.body.substr(0, r.body.find('\n')).find(';'), std::string::npos) << table;
    EXPECT_EQ(hdr(r, "content-type").rfind("text/csv", 0), 0u);
    EXPECT_NE(hdr(r, "content-disposition").find(std::string("filename=\"reghub-") + table), std::string::npos);
  }
  const auto timeline = get(session, "/dashboard/csv/forloeb.csv?noegle=src-ep-p1");
  expectNoFullCpr(timeline, "timeline csv");
  EXPECT_TRUE(std::regex_search(timeline.body, std::regex("\n20[0-9]{2}-[0-9]{2}-[0-9]{2};"))) << "dates YYYY-MM-DD";
}

TEST_F(DashboardTest, BadInput_Is4xxNever500) {
  const auto [session, csrf] = signIn("analyst");
  EXPECT_EQ(get(session, "/dashboard/csv/nothing.csv").status, 404);
  EXPECT_EQ(get(session, "/dashboard/oversigt?kommune=abc").status, 400);
  const auto typed = get(session, "/dashboard/oversigt?kommune=" + kCpr0101);
  EXPECT_EQ(typed.status, 400);
  expectNoFullCpr(typed, "a CPR typed as kommune");
  const auto rule = get(session, "/dashboard/regel?register=smdb&kilde=registry&regel=" + kCpr0101);
  EXPECT_EQ(rule.status, 200);
  expectNoFullCpr(rule, "a CPR typed as rule");
  EXPECT_EQ(get(session, "/dashboard/forloeb?noegle=%zz").status, 200);
  EXPECT_EQ(http_->send("DELETE", "/dashboard/oversigt", "", "", {{"Cookie", "reghub_session=" + session}}).status, 405);
  EXPECT_EQ(get(session, "/dashboard/logout").status, 405);
  EXPECT_EQ(http_->send("GET", "/dashboard/oversigt", "", "", {{"Cookie", ";;;=;reghub_session"}}).status, 303);
}

}  // namespace
}  // namespace reghub::dashboard
