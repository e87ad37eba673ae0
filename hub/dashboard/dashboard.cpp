#include "hub/dashboard/dashboard.h"

#include <algorithm>
#include <optional>
#include <set>

#include "hub/api/intake.h"
#include "hub/api/registry_state_report.h"
#include "hub/api/status_view.h"
#include "hub/dashboard/charts.h"
#include "hub/dashboard/csv.h"
#include "hub/dashboard/form.h"
#include "hub/dashboard/html.h"
#include "hub/dashboard/sessions.h"
#include "hub/dashboard/views.h"
#include "hub/model/cpr.h"
#include "hub/model/date.h"
#include "hub/store/dashboard_store.h"
#include "hub/store/delivery_store.h"
#include "hub/util/strings.h"

namespace reghub::dashboard {

struct Dashboard::State {
  DashboardOptions options;
  api::ApiClients clients;
  store::DeliveryStore& store;
  api::Intake& intake;
  Sessions sessions;
  // The charts' kept periods and the task close, on a connection of its own.
  std::unique_ptr<store::DashboardStore> own;
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
         R"(<button type="submit">Log ind</button></form>)"
         R"(<form method="post" action="/dashboard/login" class="login cert"><input type="hidden" name="certifikat" value="1">)"
         R"(<button type="submit">Log ind med klientcertifikat</button></form>)";
}

// The client whose certificate the TLS handshake verified, matched as the
// API matches it (fingerprint, then subject); null with a Danish reason.
const api::ApiClient* certificateClient(const State& s, const HttpRequest& req, std::string& why) {
  if (!req.clientCertificate) {
    why = "Browseren sendte intet klientcertifikat (eller hubben kører uden http.clientCaFile).";
    return nullptr;
  }
  const api::ApiClient* c = s.clients.byCertificate(req.clientCertificateSubject, req.clientCertificateSha256);
  if (!c) why = "Certifikatet hører ikke til nogen klient i http.clients (certificateSubject/certificateFingerprint).";
  return c;
}

HttpResponse loginPage() { return html(200, "Log ind", {}, loginForm("")); }

HttpResponse login(State& s, const HttpRequest& req) {
  const auto form = parseForm(req.body);
  const auto token = form.find("token");
  std::string why = "Ukendt token. Brug et token fra en klient i http.clients.";
  const api::ApiClient* c = form.count("certifikat") ? certificateClient(s, req, why)
                            : token == form.end()    ? nullptr
                                                     : s.clients.byToken(token->second);
  if (!c) return html(401, "Log ind", {}, loginForm(why));
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

// A posted page's table: its CSV is posted with the same fields (no link can carry them).
std::string csvForm(const Table& t, const Session& session, const HttpRequest& req) {
  std::string out = R"(<form method="post" action="/dashboard/csv/)" + t.name + R"(.csv" class="csv">)" + csrfField(session.csrf);
  for (const auto& [name, value] : parseForm(req.body))
    if (name != "csrf") out += R"(<input type="hidden" name=")" + escape(name) + R"(" value=")" + escape(value) + R"(">)";
  return out + R"(<button type="submit">Hent som CSV</button></form>)";
}

HttpResponse render(const View& v, const Session& session, const HttpRequest& req) {
  const bool posted = req.method == "POST";
  std::string body = v.intro;
  for (const auto& [t, empty] : v.tables)
    body += "<h3>" + escape(headingOf(t.name)) + "</h3>" + (posted ? csvForm(t, session, req) : "") +
            tableHtml(t, posted ? "" : csvUrl(t, req), empty);
  return html(200, v.title, {session.client.name, session.csrf}, body + v.outro);
}

std::optional<api::StatusView> statusFor(State& s, const Session& session, const std::string& kommune) {
  return api::readStatusView(s.store, s.intake, session.client, {}, kommune);
}

// Only the status totals (the counters of migration 11, as GET /status reads
// them for this client), for the pages that show nothing else: no pass over
// the rejected messages. Nullopt when `kommune` is not the client's.
std::optional<api::StatusView> totalsFor(State& s, const Session& session, const std::string& kommune) {
  const api::ApiClient& c = session.client;
  if (!kommune.empty() && !c.covers(kommune)) return std::nullopt;
  api::StatusView v;
  if (kommune.empty() && !c.scoped()) {
    v.counts = s.store.counts();
    return v;
  }
  const std::set<std::string> kommuner = kommune.empty() ? c.kommuner : std::set<std::string>{kommune};
  for (const auto& k : kommuner)
    for (auto& n : s.store.counts({}, k)) v.counts.push_back(std::move(n));
  return v;
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

// Each registry × kommune the client sees against its registry's deadline;
// a registry with a deadline and no messages yet gets a row of its own.
std::vector<DeadlineRow> deadlineRows(State& s, const api::StatusView& status) {
  using S = store::MessageState;
  std::map<std::pair<std::string, std::string>, Open> open;
  for (const auto& c : status.counts) {
    Open& o = open[{c.registry, c.kommune}];
    if (c.state == S::kRejected) o.rejected += c.count;
    if (c.state == S::kDead) o.dead += c.count;
    if (c.state == S::kPending || c.state == S::kSending || c.state == S::kRetryWait) o.waiting += c.count;
  }
  const model::Date today = model::copenhagenToday();
  std::vector<DeadlineRow> rows;
  for (const auto& r : s.options.registries) {
    bool any = false;
    for (const auto& [at, o] : open) {
      if (at.first != r.name) continue;
      any = true;
      const auto marks = s.store.deliveryMarks(at.first, at.second);
      rows.push_back({at.first, at.second, judge(r.deadline.get(), today, marks, o), marks.lastAccepted});
    }
    if (!any) rows.push_back({r.name, "", judge(r.deadline.get(), today, {}, {}), std::nullopt});
  }
  return rows;
}

std::string deadlineRules(const State& s) {
  std::string out = "<ul>";
  for (const auto& r : s.options.registries)
    out += "<li><strong>" + escape(r.name) + "</strong>: " +
           escape(r.deadline ? r.deadline->text() : "ingen frist erklæret") + "</li>";
  return out + "</ul>";
}

std::optional<View> overview(State& s, const Session& session, const std::string& kommune) {
  auto status = totalsFor(s, session, kommune);
  if (!status) return std::nullopt;
  View v{"Oversigt",
         kommuneNote(kommune) +
             "<p>Er alt leveret før fristen? Rød: en frist er overskredet; gul: noget mangler, men fristen er ikke nået; "
             "grøn: alt er godkendt.</p>" + deadlineRules(s),
         {}, ""};
  v.tables.emplace_back(deadlinesTable(deadlineRows(s, *status)), "Ingen registre er sat op.");
  v.tables.emplace_back(overviewTable(*status), "Ingen beskeder endnu.");
  v.outro = "<p>Venter = venter, sendes og venter på nyt forsøg. Klik en kommune for hvorfor noget ikke er leveret.</p>";
  return v;
}

// A task's key in a form as letters only (two per byte), so the page's
// masking of digit runs never changes it.
std::string toLetters(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) out += {static_cast<char>('a' + (c >> 4)), static_cast<char>('a' + (c & 15))};
  return out;
}

std::string fromLetters(const std::string& letters) {
  std::string out;
  for (size_t i = 0; i + 1 < letters.size(); i += 2) {
    const int hi = letters[i] - 'a', lo = letters[i + 1] - 'a';
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return {};
    out += static_cast<char>(hi << 4 | lo);
  }
  return letters.size() % 2 ? std::string() : out;
}

// At most this many closed tasks on the page.
constexpr size_t kMaxClosedTasks = 100;

// An operator's "Luk" per open task (a POST with the CSRF token).
std::string closeForms(const std::vector<delivery::ManualTask>& open, const Session& session) {
  if (open.empty()) return "";
  if (!session.client.may(api::Role::kOperator)) return "<p>Kun en operatør kan lukke en opgave i hånden.</p>";
  std::string out = "<h3>Luk en opgave, der er gjort</h3>";
  for (const auto& t : open)
    out += R"(<form method="post" action="/dashboard/opgaver/luk" class="luk">)" + csrfField(session.csrf) +
           R"(<input type="hidden" name="opgave" value=")" + toLetters(t.key) + R"("><button type="submit">Luk: )" +
           escape(t.registry + " " + t.kommune + " " + t.kind + " " + t.forloebKey + " (åbnet " + isoDate(t.openedAt) + ")") +
           "</button></form>";
  return out;
}

View tasks(State& s, const Session& session, const std::string& closed) {
  const auto registries = registryStateFor(s, session.client);
  auto done = s.own->closedTasks(kMaxClosedTasks);
  done.erase(std::remove_if(done.begin(), done.end(), [&](const auto& t) { return !session.client.covers(t.kommune); }),
             done.end());
  View v{"Manuelle opgaver",
         std::string(closed.empty() ? "" : "<p>Opgaven er lukket.</p>") +
             "<p>Det registrets API ikke kan, fx at slette poster i registret. En opgave lukker af sig selv, når registret "
             "ikke længere har posterne (ved næste synkronisering); en operatør kan lukke den i hånden, når den er gjort "
             "(hvem og hvornår står under lukkede opgaver og i revisionssporet). En lukket opgave åbnes ikke igen.</p>",
         {}, ""};
  v.tables.emplace_back(tasksTable(registries), "Ingen åbne manuelle opgaver.");
  v.tables.emplace_back(closedTasksTable(done), "Ingen lukkede opgaver.");
  v.tables.emplace_back(foreignTable(registries), "Ingen registreringer lavet uden for hubben.");
  v.outro = closeForms(registries.tasks, session);
  return v;
}

HttpResponse closeTask(State& s, const Session& session, const HttpRequest& req) {
  const PageUser user{session.client.name, session.csrf};
  if (!csrfOk(session, req)) return csrfRefused(user);
  if (!session.client.may(api::Role::kOperator))
    return problem(403, "Afvist", "Klienten " + session.client.name + " må ikke lukke opgaver: det kræver rollen operator.", user);
  const auto form = parseForm(req.body);
  const std::string key = form.count("opgave") ? fromLetters(form.at("opgave")) : "";
  // Only an open task of the client's own kommuner.
  const auto open = registryStateFor(s, session.client).tasks;
  const bool mine = !key.empty() && std::any_of(open.begin(), open.end(), [&](const auto& t) { return t.key == key; });
  if (!mine || !s.own->closeTask(key, "dashboard:" + session.client.name, store::nowMillis()))
    return problem(404, "Findes ikke", "Ingen åben opgave med den nøgle i klientens kommuner (måske allerede lukket).", user);
  return redirect("/dashboard/opgaver?lukket=1");
}

View parked(State& s, const Session& session) {
  // Parked resources wait for a Patient: no kommune can be told yet (as GET /status).
  const auto parked = session.client.scoped() ? std::vector<store::ParkedResource>{} : s.intake.parked(store::nowMillis());
  View v{"Parkerede ressourcer", "<p>Ressourcer, der venter på deres Patient (fx en delta før borgerens første data).</p>",
         {}, ""};
  v.tables.emplace_back(parkedTable(parked),
                        session.client.scoped() ? "Parkerede ressourcer vises kun for klienter uden kommunebegrænsning."
                                                : "Ingen parkerede ressourcer.");
  return v;
}

View certificates(State& s) {
  View v{"Certifikater",
         "<p>De funktionscertifikater, registrenes adaptere logger ind med. Gul fra " +
             std::to_string(engine::kCredentialWarnDays) + " dage før udløb: forny dem i tide.</p>",
         {}, ""};
  v.tables.emplace_back(certificatesTable(s.options.registries, store::nowMillis()),
                        "Ingen adapter har indlæst et certifikat (ingen levering sat op med certifikat).");
  return v;
}

// Days (or weeks) since the epoch, the last `n` up to today's.
std::vector<int64_t> lastPeriods(int64_t current, int n) {
  std::vector<int64_t> out;
  for (int64_t p = current - n + 1; p <= current; ++p) out.push_back(p);
  return out;
}

std::vector<std::string> dayLabels(const std::vector<int64_t>& days, int shift = 0) {
  std::vector<std::string> out;
  for (const int64_t d : days) out.push_back(model::Date::fromDays(static_cast<int32_t>(d * (shift ? 7 : 1) - shift)).iso().substr(5));
  return out;
}

// A kommune-scoped client sees the charts of its own kommuner.
View trends(State& s, const Session& session) {
  using S = store::MessageState;
  const std::vector<std::string> kommuner(session.client.kommuner.begin(), session.client.kommuner.end());
  View v{"Udvikling", "", {}, ""};
  const int64_t now = store::nowMillis(), day = 86'400'000;
  const int64_t offset = int64_t{model::copenhagenOffsetSeconds(now / 1000)} * 1000;
  const auto today = model::Date::fromDays(static_cast<int32_t>((now + offset) / day));
  const auto days = lastPeriods(today.days(), 30);
  const auto perDay = s.own->outcomesPerDay(model::Date::fromDays(static_cast<int32_t>(days.front())), today, kommuner);
  const auto weeks = lastPeriods((now + offset + 3 * day) / (7 * day), 12);
  const auto perWeek = s.own->openErrorsPerWeek(weeks.front() * 7 * day - 3 * day - offset, offset, kommuner);
  const auto firstMonth = *model::Date::fromYmd(today.month() == 12 ? today.year() : today.year() - 1,
                                                today.month() == 12 ? 1 : today.month() + 1, 1);
  const auto months = s.own->completenessPerMonth(firstMonth, today, kommuner);
  std::vector<std::string> monthLabels;
  std::vector<int64_t> complete, incomplete;
  for (const auto& m : months) {
    monthLabels.push_back(std::to_string(m.year) + "-" + (m.month < 10 ? "0" : "") + std::to_string(m.month));
    complete.push_back(m.complete);
    incomplete.push_back(m.forloeb - m.complete);
  }
  std::string scope;
  for (const auto& k : kommuner) scope += (scope.empty() ? "" : ", ") + k;
  v.intro = (scope.empty() ? "" : "<p>Kun kommune " + escape(scope) + ": klientens egne tal.</p>") +
            "<h3>Beskeder pr. dag efter udfald (30 dage)</h3>" +
            barChart("Beskeder pr. dag", dayLabels(days),
                     {{"godkendt", "#2e7d32", valuesOf(days, perDay, S::kAccepted)},
                      {"afvist", "#c62828", valuesOf(days, perDay, S::kRejected)},
                      {"død", "#555555", valuesOf(days, perDay, S::kDead)}}) +
            "<h3>Åbne fejl pr. uge (12 uger)</h3>" +
            barChart("Åbne fejl pr. uge", dayLabels(weeks, 3),
                     {{"afvist", "#c62828", valuesOf(weeks, perWeek, S::kRejected)},
                      {"død", "#555555", valuesOf(weeks, perWeek, S::kDead)}}) +
            "<h3>Fuldstændighed pr. måned (12 måneder)</h3><p>Af de forløb, der fik en besked i måneden, hvor mange har "
            "alle månedens beskeder godkendt (et forløb tælles pr. kommune).</p>" +
            barChart("Fuldstændighed pr. måned", monthLabels,
                     {{"fuldt godkendt", "#2e7d32", complete}, {"ikke fuldt godkendt", "#e0a800", incomplete}});
  v.tables.emplace_back(outcomesTable(days, perDay), "");
  v.tables.emplace_back(openErrorsTable(weeks, perWeek), "");
  v.tables.emplace_back(completenessTable(months), "");
  return v;
}

std::optional<View> problems(State& s, const Session& session, const std::string& kommune) {
  auto status = statusFor(s, session, kommune);
  if (!status) return std::nullopt;
  View v{"Hvorfor ikke leveret", kommuneNote(kommune) + "<p>Afvisninger, døde beskeder og valideringsfejl pr. regel.</p>", {}, ""};
  v.tables.emplace_back(problemsTable(*status), "Ingen afvisninger, døde beskeder eller valideringsfejl.");
  return v;
}

// At most this many forløb on a rule's page (the counts above say how many there are).
constexpr size_t kMaxCases = 500;

// One rule, per kommune: the registry's rejections and dead messages by
// kommune (rejectionsIn); validation problems carry no kommune.
View rule(State& s, const Session& session, const std::map<std::string, std::string>& q) {
  const auto get = [&](const char* k) {
    const auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  const std::string registry = get("register"), source = get("kilde"), ruleId = get("regel");
  std::vector<std::pair<std::string, store::RejectionGroup>> rows;
  // The registry's answers: one pass over the rule's rows (not the status
  // of every kommune); validation problems: the status's groups (no kommune).
  if (source == "validation") {
    const auto status = statusFor(s, session, {});
    for (const auto& g : status->rejections)
      if (g.registry == registry && g.source == source && g.rule == ruleId) rows.emplace_back("", g);
  } else {
    for (const auto& [kommune, n] : s.store.ruleByKommune(registry, source, ruleId))
      if (session.client.covers(kommune)) rows.emplace_back(kommune, store::RejectionGroup{registry, source, ruleId, "error", n});
  }
  View v{"Regel " + ruleId,
         "<p>Register " + escape(registry) + ". Pr. kommune, og derunder de forløb, reglen stoppede: felt-id og hvad der "
         "skal rettes står i adapterens eller registrets egne ord. Klik et forløb for dets tidslinje.</p>",
         {}, ""};
  v.tables.emplace_back(ruleTable(rows), "Reglen har ingen beskeder (længere).");
  const std::vector<std::string> scope(session.client.kommuner.begin(), session.client.kommuner.end());
  const std::string actor = session.client.scoped() ? session.client.name : "";
  // The counts above say how many cases there are: the walk over the
  // registry's ended messages stops when it has them (none: no walk).
  int64_t cases = 0;
  for (const auto& [kommune, g] : rows) cases += g.count;
  const size_t wanted = std::min<size_t>(kMaxCases, static_cast<size_t>(cases));
  v.tables.emplace_back(
      ruleCasesTable(wanted ? s.store.casesOfRule(registry, source, ruleId, scope, actor, wanted) : std::vector<store::RuleCase>{}),
      "Ingen forløb under reglen.");
  return v;
}

bool hasCprShape(const std::string& text) { return util::maskDigitRuns(text) != text; }

// A CPR number is searched by POST (never in a URL or the request log) and
// looked up by the store's keyed hash.
std::string cprSearchForm(const Session& session) {
  return R"(<form method="post" action="/dashboard/soeg" class="soeg">)" + csrfField(session.csrf) +
         R"(<label for="cpr">eller borgerens CPR-nummer</label> <input id="cpr" name="cpr" type="password" )"
         R"(autocomplete="off" inputmode="numeric"> <button type="submit">Søg</button></form>)";
}

std::optional<View> timeline(State& s, const Session& session, const std::string& key, const std::string& ingestId) {
  if (hasCprShape(key)) return std::nullopt;
  // The key is posted (with the CSRF token): no identifier typed by hand ends up in a URL.
  View v{"Forløb", R"(<form method="post" action="/dashboard/forloeb" class="noegle">)" + csrfField(session.csrf) +
                   R"(<label for="noegle">Forløbets nøgle (kildesystemets id)</label> )"
                   R"(<input id="noegle" name="noegle" value=")" + escape(key) + R"(" autocomplete="off"> <button type="submit">Vis</button></form>)" +
                   cprSearchForm(session),
         {}, ""};
  if (key.empty()) return v;
  auto history = s.store.historyForForloeb(key);
  history.erase(std::remove_if(history.begin(), history.end(), [&](const auto& t) { return !session.client.covers(t.kommune); }),
                history.end());
  v.tables.emplace_back(timelineTable(history), "Ingen beskeder for dette forløb.");
  // From a validation rule's page: what stopped the forløb in that ingest
  // (a kommune-scoped client sees only its own ingests, as on the rule's page).
  if (!ingestId.empty()) {
    const auto ingest = s.store.ingest(ingestId);
    if (ingest && (!session.client.scoped() || ingest->actor == session.client.name))
      v.tables.emplace_back(problemsOfForloeb(s.store.ingestDiagnostics(ingestId), key, ingest->createdAt),
                            "Ingen valideringsproblemer for forløbet i denne indlæsning.");
  }
  return v;
}

View dead(State& s, const Session& session, const std::string& replayed) {
  auto status = totalsFor(s, session, {});
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

HttpResponse search(State& s, const Session& session, const HttpRequest& req) {
  const PageUser user{session.client.name, session.csrf};
  if (!csrfOk(session, req)) return csrfRefused(user);
  const auto form = parseForm(req.body);
  std::string cpr = form.count("cpr") ? form.at("cpr") : "";
  cpr.erase(std::remove(cpr.begin(), cpr.end(), '-'), cpr.end());
  if (!model::Cpr::parse(cpr))
    return problem(400, "Ugyldigt CPR-nummer", "Et CPR-nummer er 10 cifre (ddmmåå-løbenummer).", user);
  auto history = s.store.historyForCpr(cpr);
  history.erase(std::remove_if(history.begin(), history.end(), [&](const auto& t) { return !session.client.covers(t.kommune); }),
                history.end());
  View v{"Borgerens beskeder", "<p>Søgt på CPR-nummer; nummeret gemmes og vises ikke.</p>" + cprSearchForm(session), {}, ""};
  v.tables.emplace_back(timelineTable(history), "Ingen beskeder for denne borger.");
  // Not linked to a CSV: its URL would have to carry the CPR number.
  std::string body = v.intro;
  for (const auto& [t, empty] : v.tables) body += "<h3>" + escape(headingOf(t.name)) + "</h3>" + tableHtml(t, "", empty);
  return html(200, v.title, user, body);
}

// ---- routing ----

// A GET's query, or a POST's form (the forløb key is posted: no identifier in a URL).
std::map<std::string, std::string> params(const HttpRequest& req) {
  return req.method == "POST" ? parseForm(req.body) : query(req);
}

std::string param(const HttpRequest& req, const char* name) {
  const auto q = params(req);
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
  if (name == "regel") return rule(s, session, params(req));
  if (name == "forloeb") return timeline(s, session, param(req, "noegle"), param(req, "indlaesning"));
  if (name == "doede") return dead(s, session, param(req, "genafsendt"));
  if (name == "opgaver") return tasks(s, session, param(req, "lukket"));
  if (name == "parkerede") return parked(s, session);
  if (name == "certifikater") return certificates(s);
  if (name == "udvikling") return trends(s, session);
  return std::nullopt;
}

bool isView(const std::string& name) {
  static const std::set<std::string> kViews = {"oversigt", "problemer", "regel",        "forloeb",  "doede",
                                               "opgaver",  "parkerede", "certifikater", "udvikling"};
  return kViews.count(name) > 0;
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
      {"oversigt", "oversigt"},   {"frister", "oversigt"},       {"parkerede", "parkerede"},
      {"opgaver", "opgaver"},     {"udenfor-hubben", "opgaver"}, {"lukkede-opgaver", "opgaver"}, {"problemer", "problemer"},
      {"regel", "regel"},         {"regel-forloeb", "regel"},    {"forloeb", "forloeb"}, {"forloeb-problemer", "forloeb"},
      {"doede", "doede"},         {"certifikater", "certifikater"}, {"udvikling-dag", "udvikling"},
      {"fejl-uge", "udvikling"}, {"fuldstaendighed", "udvikling"}};
  const auto view = kViewOf.find(table);
  if (view == kViewOf.end()) return problem(404, "Findes ikke", "Ingen tabel hedder " + file + ".", {session.client.name, session.csrf});
  if (req.method == "POST" && view->second != "forloeb")
    return problem(405, "Ikke tilladt", "POST bruges ikke her.", {session.client.name, session.csrf});
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

// The paths that take only a POST (they change something or carry a CPR number).
bool postOnly(const std::string& rest) {
  return rest == "logout" || rest == "doede/genafsend" || rest == "soeg" || rest == "opgaver/luk";
}

HttpResponse signedIn(State& s, const Session& session, const HttpRequest& req, const std::string& rest) {
  const bool post = req.method == "POST";
  const bool csvFile = rest.rfind("csv/", 0) == 0;
  if (post && rest == "logout") return logout(s, session, req);
  if (post && rest == "doede/genafsend") return replay(s, session, req);
  if (post && rest == "soeg") return search(s, session, req);
  if (post && rest == "opgaver/luk") return closeTask(s, session, req);
  // A forløb typed into the form is posted (and its CSV with it).
  const bool postedForloeb = post && (rest == "forloeb" || csvFile);
  if (postedForloeb && !csrfOk(session, req)) return csrfRefused({session.client.name, session.csrf});
  if ((req.method != "GET" && !postedForloeb) || postOnly(rest))
    return problem(405, "Ikke tilladt", req.method + " bruges ikke her.", {session.client.name, session.csrf});
  if (csvFile) return csv(s, session, req, rest.substr(4));
  const auto v = viewFor(s, session, rest, req);
  return v ? render(*v, session, req) : refusedView(session, req);
}

bool known(const std::string& rest) { return isView(rest) || postOnly(rest) || rest.rfind("csv/", 0) == 0; }

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
    : state_(new State{options, std::move(clients), store, intake, Sessions(options.sessionLifetime),
                       store::DashboardStore::open(store.options())}) {}

Dashboard::~Dashboard() = default;

HttpResponse Dashboard::handle(const HttpRequest& req) { return route(*state_, req); }

}  // namespace reghub::dashboard
