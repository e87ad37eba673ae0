#include "hub/dashboard/dashboard.h"

#include <algorithm>
#include <optional>
#include <set>

#include "hub/api/intake.h"
#include "hub/api/registry_state_report.h"
#include "hub/api/status_view.h"
#include "hub/dashboard/csv.h"
#include "hub/dashboard/form.h"
#include "hub/dashboard/html.h"
#include "hub/dashboard/sessions.h"
#include "hub/dashboard/views.h"
#include "hub/store/delivery_store.h"
#include "hub/util/strings.h"

namespace reghub::dashboard {

struct Dashboard::State {
  DashboardOptions options;
  api::ApiClients clients;
  store::DeliveryStore& store;
  api::Intake& intake;
  Sessions sessions;
};

namespace {

using net::HttpRequest;
using net::HttpResponse;
using State = Dashboard::State;

const char* const kCookie = "reghub_session";

HttpResponse answer(int status, const std::string& contentType, std::string body) {
  HttpResponse r{status, contentType, std::move(body), {}, false};
  r.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'";
  r.headers["X-Content-Type-Options"] = "nosniff";
  r.headers["Referrer-Policy"] = "no-referrer";
  r.headers["Cache-Control"] = "no-store";
  return r;
}

// The whole page is masked once more: a value echoed from the request (a
// rule or key typed into the URL) cannot bring a CPR number onto it either.
// Session and CSRF tokens are letters only (sessions.h), so nothing else is touched.
HttpResponse html(int status, const std::string& title, const PageUser& user, const std::string& body) {
  return answer(status, "text/html; charset=utf-8", util::maskDigitRuns(page(title, user, body)));
}

HttpResponse redirect(const std::string& to) {
  auto r = answer(303, "text/plain; charset=utf-8", "Se " + to + "\n");
  r.headers["Location"] = to;
  return r;
}

HttpResponse problem(int status, const std::string& title, const std::string& why, const PageUser& user = {}) {
  return html(status, title, user, R"(<p class="error">)" + escape(why) + R"(</p><p><a href="/dashboard/oversigt">Til oversigten</a></p>)");
}

std::string header(const HttpRequest& req, const std::string& lowerName) {
  const auto it = req.headers.find(lowerName);
  return it == req.headers.end() ? std::string() : it->second;
}

std::map<std::string, std::string> query(const HttpRequest& req) { return parseForm(req.query); }

std::string sessionCookie(const State& s, const std::string& value, int64_t maxAgeSeconds) {
  return std::string(kCookie) + "=" + value + "; Path=/dashboard; Max-Age=" + std::to_string(maxAgeSeconds) +
         "; HttpOnly; SameSite=Strict" + (s.options.secureCookies ? "; Secure" : "");
}

// ---- sign-in ----

std::string loginForm(const std::string& message) {
  return (message.empty() ? "" : R"(<p class="error">)" + escape(message) + "</p>") +
         R"(<form method="post" action="/dashboard/login" class="login"><label for="token">API-token (fra http.clients)</label>)"
         R"(<input type="password" id="token" name="token" autocomplete="off" required>)"
         R"(<button type="submit">Log ind</button></form>)";
}

HttpResponse loginPage() { return html(200, "Log ind", {}, loginForm("")); }

HttpResponse login(State& s, const HttpRequest& req) {
  const auto form = parseForm(req.body);
  const auto token = form.find("token");
  const api::ApiClient* c = token == form.end() ? nullptr : s.clients.byToken(token->second);
  if (!c) return html(401, "Log ind", {}, loginForm("Ukendt token. Brug et token fra en klient i http.clients."));
  if (!c->may(api::Role::kAnalyst))
    return html(403, "Log ind", {},
                loginForm("Klienten " + c->name + " må ikke se oversigten: den skal have rollen analyst eller operator."));
  const Session session = s.sessions.create(*c, store::nowMillis());
  auto r = redirect("/dashboard/oversigt");
  r.headers["Set-Cookie"] = sessionCookie(s, session.id, s.sessions.lifetime().count());
  return r;
}

bool csrfOk(const Session& session, const HttpRequest& req) {
  const auto form = parseForm(req.body);
  const auto csrf = form.find("csrf");
  return csrf != form.end() && sameSecret(csrf->second, session.csrf);
}

HttpResponse csrfRefused(const PageUser& user) {
  return problem(403, "Afvist", "Formularen manglede sessionens CSRF-token. Indlæs siden igen og prøv igen.", user);
}

HttpResponse logout(State& s, const Session& session, const HttpRequest& req) {
  if (!csrfOk(session, req)) return csrfRefused({session.client.name, session.csrf});
  s.sessions.remove(session.id);
  auto r = redirect("/dashboard/login");
  r.headers["Set-Cookie"] = sessionCookie(s, "", 0);
  return r;
}

// ---- views ----

struct View {
  std::string title;
  std::string intro;  // HTML above the tables
  std::vector<std::pair<Table, std::string>> tables;  // with the text shown when it is empty
  std::string outro;  // HTML below (forms)
};

std::string csvUrl(const Table& t, const HttpRequest& req) {
  return "/dashboard/csv/" + t.name + ".csv" + (req.query.empty() ? "" : "?" + req.query);
}

HttpResponse render(const View& v, const Session& session, const HttpRequest& req) {
  std::string body = v.intro;
  for (const auto& [t, empty] : v.tables) body += "<h3>" + escape(headingOf(t.name)) + "</h3>" + tableHtml(t, csvUrl(t, req), empty);
  return html(200, v.title, {session.client.name, session.csrf}, body + v.outro);
}

std::optional<api::StatusView> statusFor(State& s, const Session& session, const std::string& kommune) {
  return api::readStatusView(s.store, s.intake, session.client, {}, kommune);
}

api::RegistryState registryStateFor(State& s, const api::ApiClient& c) {
  api::RegistryState state = api::readRegistryState(s.intake.mirror());
  const auto outside = [&](const auto& x) { return !c.covers(x.kommune); };
  state.foreign.erase(std::remove_if(state.foreign.begin(), state.foreign.end(), outside), state.foreign.end());
  state.tasks.erase(std::remove_if(state.tasks.begin(), state.tasks.end(), outside), state.tasks.end());
  return state;
}

std::string kommuneNote(const std::string& kommune) {
  return kommune.empty() ? "" : "<p>Kun kommune " + escape(kommune) + R"(. <a href="?">Alle kommuner</a></p>)";
}

std::optional<View> overview(State& s, const Session& session, const std::string& kommune) {
  auto status = statusFor(s, session, kommune);
  if (!status) return std::nullopt;
  const auto registries = registryStateFor(s, session.client);
  View v{"Oversigt", kommuneNote(kommune) + "<p>Beskeder pr. register og kommune. Venter = venter, sendes og venter på nyt "
                                            "forsøg. Klik en kommune for hvorfor noget ikke er leveret.</p>",
         {}, ""};
  v.tables.emplace_back(overviewTable(*status), "Ingen beskeder endnu.");
  v.tables.emplace_back(parkedTable(status->parked),
                        session.client.scoped() ? "Parkerede ressourcer vises kun for klienter uden kommunebegrænsning."
                                                : "Ingen parkerede ressourcer.");
  v.tables.emplace_back(tasksTable(registries), "Ingen åbne manuelle opgaver.");
  v.tables.emplace_back(foreignTable(registries), "Ingen registreringer lavet uden for hubben.");
  return v;
}

std::optional<View> problems(State& s, const Session& session, const std::string& kommune) {
  auto status = statusFor(s, session, kommune);
  if (!status) return std::nullopt;
  View v{"Hvorfor ikke leveret", kommuneNote(kommune) + "<p>Afvisninger, døde beskeder og valideringsfejl pr. regel.</p>", {}, ""};
  v.tables.emplace_back(problemsTable(*status), "Ingen afvisninger, døde beskeder eller valideringsfejl.");
  return v;
}

// One rule, per kommune: the registry's rejections and dead messages by
// kommune (rejectionsIn); validation problems carry no kommune.
View rule(State& s, const Session& session, const std::map<std::string, std::string>& q) {
  const auto get = [&](const char* k) {
    const auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  const std::string registry = get("register"), source = get("kilde"), ruleId = get("regel");
  std::vector<std::pair<std::string, store::RejectionGroup>> rows;
  const auto status = statusFor(s, session, {});
  std::set<std::string> kommuner;
  for (const auto& c : status->counts)
    if (c.registry == registry) kommuner.insert(c.kommune);
  for (const auto& k : kommuner)
    for (const auto& g : s.store.rejectionsIn(registry, k))
      if (g.source == source && g.rule == ruleId) rows.emplace_back(k, g);
  if (source == "validation")
    for (const auto& g : status->rejections)
      if (g.registry == registry && g.source == source && g.rule == ruleId) rows.emplace_back("", g);
  View v{"Regel " + ruleId, "<p>Register " + escape(registry) + ". Pr. kommune.</p>", {}, ""};
  v.tables.emplace_back(ruleTable(rows), "Reglen har ingen beskeder (længere).");
  return v;
}

bool hasCprShape(const std::string& text) { return util::maskDigitRuns(text) != text; }

std::optional<View> timeline(State& s, const Session& session, const std::string& key) {
  if (hasCprShape(key)) return std::nullopt;
  View v{"Forløb", R"(<form method="get" action="/dashboard/forloeb"><label for="noegle">Forløbets nøgle (kildesystemets id)</label> )"
                   R"(<input id="noegle" name="noegle" value=")" + escape(key) + R"("> <button type="submit">Vis</button></form>)",
         {}, ""};
  if (key.empty()) return v;
  auto history = s.store.historyForForloeb(key);
  history.erase(std::remove_if(history.begin(), history.end(), [&](const auto& t) { return !session.client.covers(t.kommune); }),
                history.end());
  v.tables.emplace_back(timelineTable(history), "Ingen beskeder for dette forløb.");
  return v;
}

View dead(State& s, const Session& session, const std::string& replayed) {
  auto status = statusFor(s, session, {});
  View v{"Døde beskeder", replayed.empty() ? "" : "<p>" + escape(replayed) + " beskeder sendes igen (venter).</p>", {}, ""};
  v.tables.emplace_back(deadTable(*status), "Ingen døde beskeder.");
  if (session.client.may(api::Role::kOperator))
    v.outro = R"(<form method="post" action="/dashboard/doede/genafsend">)" + csrfField(session.csrf) +
              R"(<button type="submit">Send alle døde beskeder igen</button></form>)";
  else
    v.outro = "<p>Kun en operatør kan sende døde beskeder igen.</p>";
  return v;
}

HttpResponse replay(State& s, const Session& session, const HttpRequest& req) {
  const PageUser user{session.client.name, session.csrf};
  if (!csrfOk(session, req)) return csrfRefused(user);
  if (!session.client.may(api::Role::kOperator))
    return problem(403, "Afvist", "Klienten " + session.client.name + " må ikke sende igen: det kræver rollen operator.", user);
  const auto form = parseForm(req.body);
  store::ReplayFilter f;
  f.state = store::MessageState::kDead;
  if (const auto r = form.find("register"); r != form.end()) f.registry = r->second;
  f.kommuner.assign(session.client.kommuner.begin(), session.client.kommuner.end());
  const size_t n = s.store.replay(f, "dashboard:" + session.client.name, store::nowMillis());
  return redirect("/dashboard/doede?genafsendt=" + std::to_string(n));
}

// ---- routing ----

std::string param(const HttpRequest& req, const char* name) {
  const auto q = query(req);
  const auto it = q.find(name);
  return it == q.end() ? std::string() : it->second;
}

bool isKommuneCode(const std::string& k) {
  return k.size() == 4 && std::all_of(k.begin(), k.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The view a GET path shows (also its CSV's), nullopt when the request is not allowed.
std::optional<View> viewFor(State& s, const Session& session, const std::string& name, const HttpRequest& req) {
  if (const std::string k = param(req, "kommune"); !k.empty() && !isKommuneCode(k)) return std::nullopt;
  if (name == "oversigt") return overview(s, session, param(req, "kommune"));
  if (name == "problemer") return problems(s, session, param(req, "kommune"));
  if (name == "regel") return rule(s, session, query(req));
  if (name == "forloeb") return timeline(s, session, param(req, "noegle"));
  if (name == "doede") return dead(s, session, param(req, "genafsendt"));
  return std::nullopt;
}

bool isView(const std::string& name) {
  return name == "oversigt" || name == "problemer" || name == "regel" || name == "forloeb" || name == "doede";
}

// Why a view gave nothing: a kommune that is no code or not the client's, or a CPR-shaped key.
HttpResponse refusedView(const Session& session, const HttpRequest& req) {
  const PageUser user{session.client.name, session.csrf};
  if (!param(req, "kommune").empty() && !isKommuneCode(param(req, "kommune")))
    return problem(400, "Ugyldig kommune", "En kommune angives med sin kode på 4 cifre, fx 0101.", user);
  if (!param(req, "kommune").empty())
    return problem(403, "Afvist", "Klienten " + session.client.name + " må ikke se kommune " + param(req, "kommune") + ".", user);
  return problem(400, "Ugyldig nøgle", "Skriv forløbets nøgle fra kildesystemet, ikke et CPR-nummer.", user);
}

HttpResponse csv(State& s, const Session& session, const HttpRequest& req, const std::string& file) {
  const std::string table = file.size() > 4 && file.substr(file.size() - 4) == ".csv" ? file.substr(0, file.size() - 4) : "";
  // Which view holds the table.
  static const std::map<std::string, std::string> kViewOf = {
      {"oversigt", "oversigt"}, {"parkerede", "oversigt"}, {"opgaver", "oversigt"}, {"udenfor-hubben", "oversigt"},
      {"problemer", "problemer"}, {"regel", "regel"}, {"forloeb", "forloeb"}, {"doede", "doede"}};
  const auto view = kViewOf.find(table);
  if (view == kViewOf.end()) return problem(404, "Findes ikke", "Ingen tabel hedder " + file + ".", {session.client.name, session.csrf});
  const auto v = viewFor(s, session, view->second, req);
  if (!v) return refusedView(session, req);
  for (const auto& [t, empty] : v->tables) {
    if (t.name != table) continue;
    auto r = answer(200, "text/csv; charset=utf-8", toCsv(t));
    r.headers["Content-Disposition"] = "attachment; filename=\"reghub-" + t.name + "-" + isoDate(store::nowMillis()) + ".csv\"";
    return r;
  }
  return problem(404, "Findes ikke", "Ingen tabel hedder " + file + ".", {session.client.name, session.csrf});
}

HttpResponse signedIn(State& s, const Session& session, const HttpRequest& req, const std::string& rest) {
  const bool post = req.method == "POST";
  if (post && rest == "logout") return logout(s, session, req);
  if (post && rest == "doede/genafsend") return replay(s, session, req);
  if (req.method != "GET" || rest == "logout" || rest == "doede/genafsend")
    return problem(405, "Ikke tilladt", req.method + " bruges ikke her.", {session.client.name, session.csrf});
  if (rest.rfind("csv/", 0) == 0) return csv(s, session, req, rest.substr(4));
  const auto v = viewFor(s, session, rest, req);
  return v ? render(*v, session, req) : refusedView(session, req);
}

bool known(const std::string& rest) {
  return isView(rest) || rest == "logout" || rest == "doede/genafsend" || rest.rfind("csv/", 0) == 0;
}

HttpResponse route(State& s, const HttpRequest& req) {
  const std::string rest = req.path.size() > 11 ? req.path.substr(11) : "";  // after "/dashboard/"
  if (rest.empty()) return redirect("/dashboard/oversigt");
  if (rest == "style.css" && req.method == "GET") return answer(200, "text/css; charset=utf-8", kStyleSheet);
  if (rest == "login" && req.method == "GET") return loginPage();
  if (rest == "login" && req.method == "POST") return login(s, req);
  if (!known(rest)) return problem(404, "Findes ikke", "Siden findes ikke.");
  const auto session = s.sessions.find(cookieValue(header(req, "cookie"), kCookie), store::nowMillis());
  if (!session) return redirect("/dashboard/login");
  return signedIn(s, *session, req, rest);
}

}  // namespace

Dashboard::Dashboard(DashboardOptions options, api::ApiClients clients, store::DeliveryStore& store, api::Intake& intake)
    : state_(new State{options, std::move(clients), store, intake, Sessions(options.sessionLifetime)}) {}

Dashboard::~Dashboard() = default;

HttpResponse Dashboard::handle(const HttpRequest& req) { return route(*state_, req); }

}  // namespace reghub::dashboard
