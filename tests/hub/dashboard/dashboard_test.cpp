// The analysts' dashboard (issue 15) over real HTTPS on loopback, mounted on
// a real ApiServer with a real SQLite store filled by a real ingest through
// the API: sign-in and its cookie, the security headers, CSRF and roles on
// every POST, the overview's numbers against GET /status, a kommune-scoped
// client's view, CSV, and no full CPR in any page or file.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <fstream>
#include <regex>

#include <rapidjson/document.h>

#include "hub/api/api_server.h"
#include "hub/api/intake.h"
#include "hub/dashboard/dashboard.h"
#include "hub/dashboard/table.h"
#include "hub/engine/adapter_registry.h"
#include "hub/net/dev_tls.h"
#include "hub/net/https_client.h"
#include "hub/model/date.h"
#include "hub/store/registry_mirror.h"
#include "tests/support/api_test_support.h"
#include "tests/support/store_test_support.h"

namespace reghub::dashboard {
namespace {

using testing::apiClient;
using testing::smdbCitizen;


const std::string kCpr0101 = "0101804323", kCpr0330 = "0202805433";
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
        apiClient("admin", "token-admin-0123456789", {api::Role::kAdmin}),
        apiClient("analyst", "token-analyst-0123456789", {api::Role::kAnalyst}),
        apiClient("operator", "token-operator-0123456789", {api::Role::kOperator}),
        apiClient("analyst0101", "token-analyst0101-0123456789", {api::Role::kAnalyst}, {"0101"}),
        apiClient("operator0101", "token-operator0101-0123456789", {api::Role::kOperator}, {"0101"}),
        apiClient("intake", "token-intake-0123456789", {api::Role::kIntake}),
    });
    server_ = std::make_unique<api::ApiServer>(o, 100000, *store_, *intake_, nullptr);
    DashboardOptions d;
    for (const auto& a : adapters) d.registries.push_back({std::string(a->name()), a->deadlineRule(), a->credentials()});
    // A certificate as an adapter would hold it, 10 days from its end: yellow in the work list.
    d.registries.push_back({"test-registry", nullptr, {{"test.functionCertificate", "CN=Funktionscertifikat test",
                                                        store::nowMillis() + 10 * 86'400'000LL + 3'600'000}}});
    dashboard_ = std::make_unique<Dashboard>(std::move(d), o.clients, *store_, *intake_);
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
    ASSERT_EQ(api("admin", "POST", "/fhir", smdbCitizen("p1", kCpr0101, "0101")).status, 202);
    ASSERT_EQ(api("admin", "POST", "/fhir", smdbCitizen("p2", kCpr0330, "0330")).status, 202);
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

// An SMDB anmodning of a woman without the pregnancy answer (SMDB-ANM-02 at
// 4-ANM), of a CPR that fails the modulus-11 check like every synthetic one here.
std::string invalidCitizen() {
  std::ifstream in(std::string(REGHUB_SOURCE_DIR) + "/tests/adapters/smdb/cases/SMDB-ANM-02__break_woman_without_gravid/input.json");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t at = s.find("0202851236"); at != std::string::npos; at = s.find("0202851236")) s.replace(at, 10, "0303806541");
  return s;
}

std::string unescapeAmp(std::string link) {
  for (size_t at = link.find("&amp;"); at != std::string::npos; at = link.find("&amp;")) link.replace(at, 5, "&");
  return link;
}

// The rows of a CSV (BOM and header dropped) as fields.
std::vector<std::vector<std::string>> csvRows(const std::string& csv) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ';');) f.push_back(x);
    out.push_back(f);
  }
  return out;
}

TEST_F(DashboardTest, Deadlines_EachRegistryKommuneHasItsNextDeadlineAndALightWithTheReason) {
  fill();
  const auto [session, csrf] = signIn("analyst");
  const auto page = get(session, "/dashboard/oversigt");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Frister pr. register og kommune"), std::string::npos);
  const auto rows = csvRows(get(session, "/dashboard/csv/frister.csv").body);
  const model::Date today = model::copenhagenToday();
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> by;
  for (const auto& r : rows) by[{r.at(0), r.at(1)}] = r;
  // SMDB (fill: 0101 rejected, 0330 dead, both today): not late, but not delivered: yellow, due by SMDB's rule.
  const auto smdb = engine::AdapterRegistry::createAll();
  std::string smdbDue;
  for (const auto& a : smdb)
    if (a->name() == "smdb") smdbDue = a->deadlineRule()->next(today).due.iso();
  const std::pair<std::string, std::string> smdb0101{"smdb", "0101"}, ltt{"ltt", ""};
  ASSERT_TRUE(by.count(smdb0101)) << get(session, "/dashboard/csv/frister.csv").body;
  EXPECT_EQ(by[smdb0101].at(2), "gul");
  EXPECT_EQ(by[smdb0101].at(3), smdbDue);
  EXPECT_NE(by[smdb0101].at(6).find("afvist"), std::string::npos);
  EXPECT_EQ(by[smdb0101].at(5), "aldrig") << "nothing accepted yet";
  // LTT has no messages: a row of its own, green.
  ASSERT_TRUE(by.count(ltt));
  EXPECT_EQ(by[ltt].at(2), "grøn");
  EXPECT_NE(page.body.find(R"(<td class="lys-gul">gul</td>)"), std::string::npos);
  // A message of a kommune created 70 days ago and still waiting: SMDB's deadline for its month has passed.
  delivery::OutboundMessage old;
  old.registry = "smdb";
  old.kind = "IndsaetAnmodning";
  old.idempotencyKey = "smdb/old/1";
  old.contentHash = "h";
  old.citizenCpr = "0404807653";
  old.citizenMasked = "0404**-****";
  old.forloebKey = "src-old";
  old.kommune = "0851";
  old.deliveryDay = "2026-01-01";
  old.body = "x";
  store_->enqueue(old, "test", store::nowMillis() - 70 * 86'400'000LL);
  for (const auto& r : csvRows(get(session, "/dashboard/csv/frister.csv").body))
    if (r.at(0) == "smdb" && r.at(1) == "0851") {
      EXPECT_EQ(r.at(2), "rød");
      EXPECT_NE(r.at(6).find("er overskredet"), std::string::npos) << r.at(6);
      return;
    }
  ADD_FAILURE() << "no row for smdb × 0851";
}

TEST_F(DashboardTest, WhyNotDelivered_ARuleListsItsForloebWithMaskedCprFieldAndWhatToChange) {
  fill();
  ASSERT_EQ(api("admin", "POST", "/fhir", invalidCitizen()).status, 202);
  const auto [session, csrf] = signIn("analyst");
  // The registry's rejection: the forløb, its masked CPR and the registry's words, linked to the timeline.
  const auto rejected = get(session, "/dashboard/regel?register=smdb&kilde=registry&regel=SMDB-ANM-99");
  ASSERT_EQ(rejected.status, 200);
  EXPECT_NE(rejected.body.find(R"(href="/dashboard/forloeb?noegle=src-ep-p1")"), std::string::npos) << rejected.body;
  EXPECT_NE(rejected.body.find("0101**-****"), std::string::npos);
  EXPECT_NE(rejected.body.find("SMDB-ANM-99: afvist om"), std::string::npos);
  EXPECT_EQ(rejected.body.find("src-ep-p2"), std::string::npos) << "0330's messages are dead, not rejected";
  expectNoFullCpr(rejected, "a rule's forløb");
  // A validation rule: the field id and the adapter's Danish text of what to change.
  const auto problems = get(session, "/dashboard/problemer");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(problems.body, m, std::regex(R"re(href="(/dashboard/regel\?register=smdb&amp;kilde=validation&amp;regel=SMDB-ANM-02)")re")))
      << problems.body;
  const auto validation = get(session, unescapeAmp(m[1].str()));
  ASSERT_EQ(validation.status, 200);
  EXPECT_NE(validation.body.find("<td>4-ANM</td>"), std::string::npos) << validation.body;
  EXPECT_NE(validation.body.find("0303**-****"), std::string::npos);
  EXPECT_NE(validation.body.find("ikke sendt"), std::string::npos);
  expectNoFullCpr(validation, "a validation rule's forløb");
  // Followed to the timeline of the forløb it names.
  ASSERT_TRUE(std::regex_search(validation.body, m, std::regex(R"re(href="(/dashboard/forloeb\?noegle=[^"]+&amp;indlaesning=[^"]+)")re")))
      << validation.body;
  const std::string timelineLink = unescapeAmp(m[1].str());
  const auto stopped = get(session, timelineLink);
  EXPECT_EQ(stopped.status, 200);
  EXPECT_NE(stopped.body.find("Forløbets valideringsproblemer"), std::string::npos) << stopped.body;
  EXPECT_NE(stopped.body.find("<td>SMDB-ANM-02</td><td>4-ANM</td>"), std::string::npos) << stopped.body;
  expectNoFullCpr(stopped, "a stopped forløb's problems");
  const auto csv = get(session, "/dashboard/csv/regel-forloeb.csv?register=smdb&kilde=validation&regel=SMDB-ANM-02");
  EXPECT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find(";4-ANM;"), std::string::npos) << csv.body;
  expectNoFullCpr(csv, "a rule's CSV");
  // A kommune-scoped analyst sees only its kommune's forløb and its own ingests' problems.
  const auto [scoped, scopedCsrf] = signIn("analyst0101");
  const auto mine = get(scoped, "/dashboard/regel?register=smdb&kilde=dead&regel=gave+up+after+20+attempts");
  EXPECT_EQ(mine.body.find("src-ep-p2"), std::string::npos) << "0330's dead messages";
  EXPECT_NE(get(session, "/dashboard/regel?register=smdb&kilde=dead&regel=gave+up+after+20+attempts").body.find("src-ep-p2"),
            std::string::npos);
  EXPECT_EQ(get(scoped, "/dashboard/regel?register=smdb&kilde=validation&regel=SMDB-ANM-02").body.find("4-ANM"),
            std::string::npos);
  EXPECT_EQ(get(scoped, timelineLink).body.find("4-ANM"), std::string::npos) << "another client's ingest";
}

TEST_F(DashboardTest, CprSearch_IsAPostWithCsrfLookedUpByKeyedHashNeverShown) {
  fill();
  const auto [session, csrf] = signIn("analyst");
  EXPECT_NE(get(session, "/dashboard/forloeb").body.find(R"(action="/dashboard/soeg")"), std::string::npos);
  EXPECT_EQ(post(session, "/dashboard/soeg", "cpr=" + kCpr0101).status, 403) << "no CSRF token";
  EXPECT_EQ(get(session, "/dashboard/soeg?cpr=" + kCpr0101).status, 405) << "never in a URL";
  const auto found = post(session, "/dashboard/soeg", "csrf=" + csrf + "&cpr=" + kCpr0101.substr(0, 6) + "-" + kCpr0101.substr(6));
  ASSERT_EQ(found.status, 200);
  EXPECT_NE(found.body.find("src-ep-p1"), std::string::npos) << found.body;
  EXPECT_EQ(found.body.find("src-ep-p2"), std::string::npos) << "only that citizen";
  expectNoFullCpr(found, "the search's answer");
  EXPECT_EQ(post(session, "/dashboard/soeg", "csrf=" + csrf + "&cpr=12345").status, 400);
  const auto [scoped, scopedCsrf] = signIn("analyst0101");
  const auto other = post(scoped, "/dashboard/soeg", "csrf=" + scopedCsrf + "&cpr=" + kCpr0330);
  EXPECT_EQ(other.status, 200);
  EXPECT_NE(other.body.find("Ingen beskeder for denne borger."), std::string::npos) << "another kommune's citizen";
}

TEST_F(DashboardTest, WorkLists_EachIsAViewThatSaysWhenItIsEmpty) {
  const auto [session, csrf] = signIn("analyst");
  const std::pair<const char*, const char*> views[] = {
      {"/dashboard/opgaver", "Ingen åbne manuelle opgaver."},
      {"/dashboard/parkerede", "Ingen parkerede ressourcer."},
      {"/dashboard/doede", "Ingen døde beskeder."},
  };
  for (const auto& [path, empty] : views) {
    const auto r = get(session, path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_NE(r.body.find(empty), std::string::npos) << path << ": " << r.body;
  }
  // The certificates the adapters hold: the one ending in 10 days is yellow, with its days left.
  const auto certs = get(session, "/dashboard/certifikater");
  EXPECT_NE(certs.body.find("CN=Funktionscertifikat test"), std::string::npos) << certs.body;
  EXPECT_NE(certs.body.find(R"(<td class="n">10</td><td class="lys-gul">)"), std::string::npos) << certs.body;
}

TEST_F(DashboardTest, OverTime_SvgChartsWithTheirNumbersAsTables) {
  fill();
  const auto [session, csrf] = signIn("analyst");
  const auto page = get(session, "/dashboard/udvikling");
  ASSERT_EQ(page.status, 200);
  size_t charts = 0;
  for (size_t at = page.body.find("<svg class=\"chart\""); at != std::string::npos; at = page.body.find("<svg class=\"chart\"", at + 1))
    ++charts;
  EXPECT_EQ(charts, 3u);
  // Today's row: the rejected and dead transitions fill() made.
  int64_t rejected = 0, dead = 0;
  for (const auto& c : store_->counts()) {
    if (c.state == store::MessageState::kRejected) rejected += c.count;
    if (c.state == store::MessageState::kDead) dead += c.count;
  }
  ASSERT_GT(rejected + dead, 0);
  const auto days = csvRows(get(session, "/dashboard/csv/udvikling-dag.csv").body);
  ASSERT_EQ(days.size(), 30u);
  EXPECT_EQ(days.back().at(0), model::copenhagenToday().iso());
  EXPECT_EQ(days.back().at(2), std::to_string(rejected));
  EXPECT_EQ(days.back().at(3), std::to_string(dead));
  EXPECT_EQ(days.front().at(1), "0");
  // Completeness: two forløb had activity this month, neither fully accepted.
  const auto months = csvRows(get(session, "/dashboard/csv/fuldstaendighed.csv").body);
  ASSERT_EQ(months.size(), 12u);
  EXPECT_EQ(months.back().at(1), "2");
  EXPECT_EQ(months.back().at(2), "0");
  EXPECT_EQ(months.front().at(1), "0");
}

TEST_F(DashboardTest, OverTime_AKommuneScopedClientSeesItsOwnKommunesChartsOnly) {
  fill();  // 0101's sent messages rejected, 0330's dead
  int64_t rejected0101 = 0, dead0330 = 0;
  for (const auto& c : store_->counts()) {
    if (c.state == store::MessageState::kRejected && c.kommune == "0101") rejected0101 += c.count;
    if (c.state == store::MessageState::kDead && c.kommune == "0330") dead0330 += c.count;
  }
  ASSERT_GT(rejected0101, 0);
  ASSERT_GT(dead0330, 0);
  const auto [scoped, scopedCsrf] = signIn("analyst0101");
  const auto page = get(scoped, "/dashboard/udvikling");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<svg class=\"chart\""), std::string::npos) << "a scoped client sees charts";
  EXPECT_NE(page.body.find("Kun kommune 0101"), std::string::npos);
  const auto days = csvRows(get(scoped, "/dashboard/csv/udvikling-dag.csv").body);
  ASSERT_EQ(days.size(), 30u);
  EXPECT_EQ(days.back().at(2), std::to_string(rejected0101)) << "its own rejections";
  EXPECT_EQ(days.back().at(3), "0") << "never 0330's dead messages";
  const auto weeks = csvRows(get(scoped, "/dashboard/csv/fejl-uge.csv").body);
  ASSERT_FALSE(weeks.empty());
  EXPECT_EQ(weeks.back().at(1), std::to_string(rejected0101));
  EXPECT_EQ(weeks.back().at(2), "0");
  const auto months = csvRows(get(scoped, "/dashboard/csv/fuldstaendighed.csv").body);
  ASSERT_EQ(months.size(), 12u);
  EXPECT_EQ(months.back().at(1), "1") << "0101's one forløb, not 0330's";
  // The control: the unscoped analyst's charts hold 0330's dead messages.
  const auto [all, allCsrf] = signIn("analyst");
  EXPECT_EQ(csvRows(get(all, "/dashboard/csv/udvikling-dag.csv").body).back().at(3), std::to_string(dead0330));
  EXPECT_EQ(csvRows(get(all, "/dashboard/csv/fuldstaendighed.csv").body).back().at(1), "2");
}

// A manual task as the SMDB adapter opens one (a deletion in SMDB-web).
delivery::ManualTask manualTask(const std::string& kommune) {
  delivery::ManualTask t;
  t.key = "smdb/slet/sag/" + kommune;
  t.registry = "smdb";
  t.kommune = kommune;
  t.kind = "slet";
  t.forloebKey = "src-ep-p1";
  t.citizenMasked = "0101**-****";
  t.reason = "Forløbet er trukket tilbage i fagsystemet";
  t.steps = {{"77", "ANM", "Slet anmodningen i SMDB-web (SmdbId 77)"}};
  return t;
}

std::string closeField(const std::string& page) {
  std::smatch m;
  return std::regex_search(page, m, std::regex(R"re(name="opgave" value="([a-p]+)")re")) ? m[1].str() : "";
}

TEST_F(DashboardTest, ManualTasks_AnOperatorClosesATaskAuditedWithWhoAndWhen) {
  ASSERT_TRUE(intake_->mirror().openTask(manualTask("0101"), store::nowMillis()));
  // An analyst sees the task but no close button, and its POST is refused.
  const auto [analyst, analystCsrf] = signIn("analyst");
  const auto seen = get(analyst, "/dashboard/opgaver");
  EXPECT_NE(seen.body.find("src-ep-p1"), std::string::npos) << seen.body;
  EXPECT_EQ(seen.body.find("/dashboard/opgaver/luk"), std::string::npos) << "no close button for an analyst";
  const auto [op, opCsrf] = signIn("operator");
  const std::string field = closeField(get(op, "/dashboard/opgaver").body);
  ASSERT_FALSE(field.empty()) << "the operator's page has a close form per open task";
  EXPECT_EQ(post(analyst, "/dashboard/opgaver/luk", "csrf=" + analystCsrf + "&opgave=" + field).status, 403);
  EXPECT_EQ(post(op, "/dashboard/opgaver/luk", "opgave=" + field).status, 403) << "no CSRF token";
  EXPECT_EQ(get(op, "/dashboard/opgaver/luk").status, 405);
  ASSERT_EQ(intake_->mirror().tasks().size(), 1u) << "still open";
  // The operator closes it: it leaves the open list, the page shows who and when, the audit trail has it.
  const int64_t before = store::nowMillis();
  const auto r = post(op, "/dashboard/opgaver/luk", "csrf=" + opCsrf + "&opgave=" + field);
  EXPECT_EQ(r.status, 303) << r.body;
  EXPECT_TRUE(intake_->mirror().tasks().empty());
  const auto closed = csvRows(get(op, "/dashboard/csv/lukkede-opgaver.csv").body);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].at(7), "dashboard:operator");
  EXPECT_EQ(closed[0].at(6).substr(0, 10), isoDate(before));
  EXPECT_TRUE(csvRows(get(op, "/dashboard/csv/opgaver.csv").body).empty());
  const auto audit = store_->audit(before);
  EXPECT_TRUE(std::any_of(audit.begin(), audit.end(), [](const auto& a) {
    return a.actor == "dashboard:operator" && a.action == "close-task";
  }));
  // Closed once is closed: a second close finds no open task, and the adapter's next run does not open it again.
  EXPECT_EQ(post(op, "/dashboard/opgaver/luk", "csrf=" + opCsrf + "&opgave=" + field).status, 404);
  EXPECT_FALSE(intake_->mirror().openTask(manualTask("0101"), store::nowMillis()));
  EXPECT_TRUE(intake_->mirror().tasks().empty());
}

TEST_F(DashboardTest, ManualTasks_AScopedOperatorCannotCloseAnotherKommunesTask) {
  ASSERT_TRUE(intake_->mirror().openTask(manualTask("0330"), store::nowMillis()));
  const auto [op, opCsrf] = signIn("operator");
  const std::string field = closeField(get(op, "/dashboard/opgaver").body);
  ASSERT_FALSE(field.empty());
  const auto [scoped, scopedCsrf] = signIn("operator0101");
  EXPECT_EQ(closeField(get(scoped, "/dashboard/opgaver").body), "") << "0330's task is not on 0101's page";
  EXPECT_EQ(post(scoped, "/dashboard/opgaver/luk", "csrf=" + scopedCsrf + "&opgave=" + field).status, 404);
  EXPECT_EQ(intake_->mirror().tasks().size(), 1u);
  // The control: the unscoped operator closes it.
  EXPECT_EQ(post(op, "/dashboard/opgaver/luk", "csrf=" + opCsrf + "&opgave=" + field).status, 303);
  EXPECT_TRUE(intake_->mirror().tasks().empty());
}

TEST_F(DashboardTest, ForloebKey_IsPostedWithTheCsrfTokenNeverInAUrl) {
  fill();
  const auto [session, csrf] = signIn("analyst");
  const auto form = get(session, "/dashboard/forloeb");
  EXPECT_NE(form.body.find(R"(<form method="post" action="/dashboard/forloeb")"), std::string::npos) << form.body;
  EXPECT_EQ(form.body.find(R"(method="get")"), std::string::npos) << "no form sends a key in a URL";
  const auto r = post(session, "/dashboard/forloeb", "csrf=" + csrf + "&noegle=src-ep-p1");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Forløbets tidslinje"), std::string::npos);
  EXPECT_NE(r.body.find("src-ep-p1"), std::string::npos);
  // Its CSV is posted too (a link would carry the key); the page links no CSV with the key in it.
  EXPECT_EQ(r.body.find("csv/forloeb.csv?"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"(action="/dashboard/csv/forloeb.csv")"), std::string::npos) << r.body;
  const auto file = post(session, "/dashboard/csv/forloeb.csv", "csrf=" + csrf + "&noegle=src-ep-p1");
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(hdr(file, "content-type").rfind("text/csv", 0), 0u);
  EXPECT_FALSE(csvRows(file.body).empty());
  EXPECT_EQ(csvRows(file.body), csvRows(get(session, "/dashboard/csv/forloeb.csv?noegle=src-ep-p1").body));
  // Without the token: refused; a CPR number as the key: refused, as by GET.
  EXPECT_EQ(post(session, "/dashboard/forloeb", "noegle=src-ep-p1").status, 403);
  EXPECT_EQ(post(session, "/dashboard/csv/forloeb.csv", "noegle=src-ep-p1").status, 403);
  EXPECT_EQ(post(session, "/dashboard/forloeb", "csrf=" + csrf + "&noegle=" + kCpr0101).status, 400);
  EXPECT_EQ(post(session, "/dashboard/csv/oversigt.csv", "csrf=" + csrf).status, 405) << "only the forløb is posted";
}

// A client CA and a client certificate (CN=dashboard-analyst) made with the openssl CLI.
bool makeClientCert(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  const std::string cmd =
      "cd " + d + " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out client-ca.pem -days 2 "
      "-subj /CN=reghub-test-client-ca >/dev/null 2>&1 && "
      "openssl req -newkey rsa:2048 -nodes -keyout client-key.pem -out client.csr -subj /CN=dashboard-analyst "
      ">/dev/null 2>&1 && printf 'extendedKeyUsage=clientAuth\\n' > ext.cnf && "
      "openssl x509 -req -in client.csr -CA client-ca.pem -CAkey ca-key.pem -CAcreateserial -out client.pem "
      "-days 2 -extfile ext.cnf >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

TEST_F(DashboardTest, CertificateSignIn_TheVerifiedCertificateOfANamedClientGetsASession) {
  ASSERT_TRUE(makeClientCert(dir_.path())) << "openssl CLI failed";
  api::HttpOptions o;
  o.port = 0;
  o.certificate = tls_.serverCertFile;
  o.privateKey = tls_.serverKeyFile;
  o.caLocation = (dir_.path() / "client-ca.pem").string();
  api::ApiClient byCert;
  byCert.name = "cert-analyst";
  byCert.certificateSubject = "CN=dashboard-analyst";
  byCert.roles = {api::Role::kAnalyst};
  o.clients = api::ApiClients({byCert});
  api::ApiServer server(o, 1000, *store_, *intake_, nullptr);
  Dashboard dashboard(DashboardOptions{}, o.clients, *store_, *intake_);
  server.mount("/dashboard", [&dashboard](const net::HttpRequest& r) { return dashboard.handle(r); });
  server.start();
  net::HttpsClientOptions co;
  co.caFile = tls_.caCertFile;
  net::HttpsClient anonymous(server.baseUrl(), co);
  co.clientCertFile = (dir_.path() / "client.pem").string();
  co.clientKeyFile = (dir_.path() / "client-key.pem").string();
  net::HttpsClient withCert(server.baseUrl(), co);
  EXPECT_EQ(anonymous.send("POST", "/dashboard/login", "certifikat=1", "application/x-www-form-urlencoded", {}).status, 401);
  const auto r = withCert.send("POST", "/dashboard/login", "certifikat=1", "application/x-www-form-urlencoded", {});
  ASSERT_EQ(r.status, 303) << r.body;
  const std::string cookie = r.headers.at("set-cookie");
  const std::string session = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  const auto page = withCert.send("GET", "/dashboard/oversigt", "", "", {{"Cookie", "reghub_session=" + session}});
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<span>cert-analyst</span>"), std::string::npos) << page.body;
  // The certificate signs in; it is no token: a token form with nothing in it stays refused.
  EXPECT_EQ(withCert.send("POST", "/dashboard/login", "token=", "application/x-www-form-urlencoded", {}).status, 401);
  server.stop();
}

TEST_F(DashboardTest, CertificateSignIn_WithoutACertificateIs401) {
  const auto r = http_->send("POST", "/dashboard/login", "certifikat=1", "application/x-www-form-urlencoded", {});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("intet klientcertifikat"), std::string::npos) << r.body;
  EXPECT_EQ(r.headers.count("set-cookie"), 0u);
}

}  // namespace
}  // namespace reghub::dashboard
