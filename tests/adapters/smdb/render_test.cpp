// SOAP rendering: one envelope per IndsaetData operation, exact SOAPAction,
// namespace-correct and well-formed (checked with libxml2), escaping, order,
// and "unchanged content is not sent again".
#include <Poco/AutoPtr.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "adapters/smdb/smdb_adapter.h"
#include "adapters/smdb/soap_render.h"
#include "hub/engine/pipeline.h"
#include "hub/ingest/ingest.h"
#include "tests/adapters/smdb/smdb_test_util.h"

namespace fs = std::filesystem;
using reghub::engine::OutboundMessage;

namespace {

using smdb_test::kCases;
using smdb_test::slurp;

class Sink final : public reghub::engine::MessageSink {
 public:
  void accept(OutboundMessage&& m) override { messages.push_back(std::move(m)); }
  std::vector<OutboundMessage> messages;
};

class MapPrior final : public reghub::engine::PriorDeliveries {
 public:
  std::optional<std::string> lastContentHash(std::string_view k) const override {
    const auto it = hashes.find(std::string(k));
    return it == hashes.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<std::string> registryId(std::string_view k) const override {
    const auto it = ids.find(std::string(k));
    return it == ids.end() ? std::nullopt : std::optional(it->second);
  }
  std::map<std::string, std::string> hashes, ids;
};

std::vector<OutboundMessage> translate(const std::string& json, const reghub::engine::PriorDeliveries& prior,
                                       reghub::diag::Collector* diags = nullptr,
                                       const std::map<std::string, std::string>& settings = {},
                                       std::optional<reghub::model::Date> since = std::nullopt) {
  // Settings built once, as the factory does at start-up.
  const reghub::smdb::SmdbAdapter adapter(std::make_shared<const reghub::smdb::Settings>(
      reghub::smdb::Settings::fromConfig(reghub::config::Config::fromMap(settings))));
  reghub::engine::RunContext ctx;
  ctx.asOf = *reghub::model::Date::parse("2026-06-01");
  ctx.since = since;
  reghub::diag::Collector own;
  reghub::diag::Collector& sink = diags ? *diags : own;
  const reghub::diag::Reporter reporter(sink);
  Sink out;
  reghub::engine::Pipeline pipeline({&adapter}, ctx, reporter, &out, prior);
  reghub::ingest::Ingestor ingestor(pipeline, reporter);
  ingestor.readBuffer("input.json", json, "application/fhir+json");
  ingestor.finish();
  return std::move(out.messages);
}

struct Xml {
  explicit Xml(const std::string& body)
      : doc(xmlReadMemory(body.data(), static_cast<int>(body.size()), "m.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)) {}
  ~Xml() {
    if (doc) xmlFreeDoc(doc);
  }
  std::vector<std::string> all(const char* xpath) const {
    std::vector<std::string> out;
    xmlXPathContextPtr c = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(c, BAD_CAST "s", BAD_CAST "http://schemas.xmlsoap.org/soap/envelope/");
    xmlXPathRegisterNs(c, BAD_CAST "d", BAD_CAST "http://smdb.dst.dk/api/external/v1");
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST xpath, c);
    if (r && r->nodesetval)
      for (int i = 0; i < r->nodesetval->nodeNr; ++i) {
        xmlChar* t = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
        out.emplace_back(reinterpret_cast<const char*>(t));
        xmlFree(t);
      }
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(c);
    return out;
  }
  std::string one(const char* xpath) const {
    const auto v = all(xpath);
    return v.size() == 1 ? v[0] : "<" + std::to_string(v.size()) + " matches>";
  }
  xmlDocPtr doc;
};

TEST(SmdbRender, OneEnvelopePerOperationInDependencyOrder) {
  const reghub::engine::NoPriorDeliveries none;
  const auto msgs = translate(slurp(kCases / "BASE__keep_complete_forloeb/input.json"), none);
  ASSERT_EQ(msgs.size(), 5u);
  const std::vector<std::string> kinds = {"IndsaetIvaerksaettelse", "IndsaetTilbudstilknytning",
                                          "IndsaetTilbudstilknytning", "IndsaetKvalHep", "AfslutBehandling"};
  for (size_t i = 0; i < msgs.size(); ++i) {
    const OutboundMessage& m = msgs[i];
    EXPECT_EQ(m.kind, kinds[i]);
    EXPECT_EQ(m.headers.at("SOAPAction"), "\"http://smdb.dst.dk/api/external/v1/ISecureIndsaetData/" + kinds[i] + "\"");
    EXPECT_EQ(m.target, "/smdbwebservice/api/external/v1/secureindsaetdata.svc");
    EXPECT_EQ(m.contentType, "text/xml; charset=utf-8");
    EXPECT_EQ(m.citizenMasked, "0101**-****");
    EXPECT_EQ(m.contentHash.size(), 64u);
    // Every message waits only for messages rendered before it.
    for (const std::string& dep : m.dependsOn) {
      bool earlier = false;
      for (size_t j = 0; j < i; ++j) earlier = earlier || msgs[j].idempotencyKey == dep;
      EXPECT_TRUE(earlier) << m.kind << " depends on " << dep;
    }
    const Xml x(m.body);
    ASSERT_NE(x.doc, nullptr) << "not well-formed: " << m.kind;
    const xmlNode* root = xmlDocGetRootElement(x.doc);
    EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "Envelope");
    EXPECT_STREQ(reinterpret_cast<const char*>(root->ns->href), "http://schemas.xmlsoap.org/soap/envelope/");
    EXPECT_EQ(x.all(("/s:Envelope/s:Body/d:" + kinds[i]).c_str()).size(), 1u) << m.kind;
  }
  EXPECT_TRUE(msgs[1].dependsOn == std::vector<std::string>{msgs[0].idempotencyKey});
  // SMDB-TILB-03 is checked as each tilknytning arrives: the second waits
  // for the first (which starts on 1-IVÆR), so they arrive in date order.
  const std::vector<std::string> secondWaitsForFirst = {msgs[0].idempotencyKey, msgs[1].idempotencyKey};
  EXPECT_EQ(msgs[2].dependsOn, secondWaitsForFirst);
  const Xml t1(msgs[1].body), t2(msgs[2].body);
  EXPECT_LE(t1.one("//d:TilbudTilknyttetBehandlingStartDato"), t2.one("//d:TilbudTilknyttetBehandlingStartDato"));
  EXPECT_EQ(msgs[3].dependsOn.size(), 3u);  // iværksættelse + both tilknytninger
  EXPECT_EQ(msgs[4].dependsOn.size(), 4u);

  const Xml iv(msgs[0].body);
  EXPECT_EQ(iv.one("//d:Anmodning/d:BehandlingAnmodningDato"), "2025-03-03T00:00:00");
  EXPECT_EQ(iv.one("//d:Anmodning/d:KommuneKode"), "330");
  EXPECT_EQ(iv.one("//d:Anmodning/d:PersonKoenKode"), "01");
  EXPECT_EQ(iv.one("//d:Anmodning/d:PersonNavn"), "Mads Jensen");
  EXPECT_EQ(iv.one("//d:Ivaerksaettelse/d:IvaerksatBehandlingDageSidenAnmodningKvantitet"), "7");
  EXPECT_EQ(iv.one("//d:Ivaerksaettelse/d:PersonIvaerksatBehandlingAlderKvantitet"), "35");
  EXPECT_EQ(iv.one("//d:Ivaerksaettelse/d:LaegesamtaleAfholdtIndikator"), "true");
  EXPECT_EQ(iv.one("//d:Ivaerksaettelse/d:PersonStoffriSenesteMaanedIndikator"), "false");
  const Xml kval(msgs[3].body);
  EXPECT_EQ(kval.all("//d:Reference/d:Foraelder/d:KildeId").size(), 3u);
}

TEST(SmdbRender, EscapesTextAndKeepsDanishLetters) {
  std::string json = slurp(kCases / "SMDB-AFSL-07__keep_systemskifte_text/input.json");
  const std::string from = "\"Systemskifte\"";
  json.replace(json.find(from), from.size(), "\"Systemskifte <b>&amp; æøå</b> & \\\"citat\\\"\"");
  const reghub::engine::NoPriorDeliveries none;
  const auto msgs = translate(json, none);
  ASSERT_EQ(msgs.back().kind, "AfslutBehandling");
  const Xml x(msgs.back().body);
  ASSERT_NE(x.doc, nullptr);
  EXPECT_EQ(x.one("//d:Afslutning/d:BehandlingAfsluttetAarsagTekst"), "Systemskifte <b>&amp; æøå</b> & \"citat\"");
  EXPECT_NE(msgs.back().body.find("&lt;b&gt;&amp;amp; æøå"), std::string::npos);
}

TEST(SmdbRender, NeverIvaerksatTravelsAsAfslutBehandlingWithTheAnmodning) {
  const reghub::engine::NoPriorDeliveries none;
  const auto msgs = translate(slurp(kCases / "SMDB-IVAER-02__keep_anmodning_and_afslutning_only/input.json"), none);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].kind, "AfslutBehandling");
  EXPECT_TRUE(msgs[0].dependsOn.empty());
  const Xml x(msgs[0].body);
  EXPECT_EQ(x.one("//d:AfslutBehandling/d:Anmodning/d:BehandlingAnmodningDato"), "2025-03-03T00:00:00");
  EXPECT_EQ(x.one("//d:AfslutBehandling/d:Afslutning/d:BehandlingAfsluttetDato"), "2025-03-20T00:00:00");
}

TEST(SmdbRender, HiddenFieldsAreNotSent) {
  const reghub::engine::NoPriorDeliveries none;
  reghub::diag::Collector diags;
  const auto msgs = translate(slurp(kCases / "SMDB-GEN-13__break_hidden_screening_text/input.json"), none, &diags);
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(diags.count(reghub::diag::Severity::kWarning), 1);
  EXPECT_EQ(msgs[0].body.find("ScreeningsvaerktoejAnvendtIvaerksaetTekst"), std::string::npos);
  EXPECT_NE(msgs[0].body.find("ScreeningsvaerktoejAnvendtIvaerksaetKode"), std::string::npos);
}

TEST(SmdbRender, ForloebWithAnErrorIsNotRendered) {
  const reghub::engine::NoPriorDeliveries none;
  EXPECT_TRUE(translate(slurp(kCases / "SMDB-IVAER-11__break_no_grundskole/input.json"), none).empty());
}

TEST(SmdbRender, UnchangedSkemaIsNotSentAgainAndUpdatesCarryTheSmdbId) {
  const reghub::engine::NoPriorDeliveries none;
  const std::string json = slurp(kCases / "BASE__keep_complete_forloeb/input.json");
  const auto first = translate(json, none);
  MapPrior prior;
  for (const auto& m : first) {
    prior.hashes[m.idempotencyKey] = m.contentHash;
    prior.ids[m.idempotencyKey] = "smdb-" + std::to_string(prior.ids.size() + 1);
  }
  EXPECT_TRUE(translate(json, prior).empty());

  // Change one answer of the afslutning: only AfslutBehandling is sent again, as an update.
  std::string changed = json;
  const auto field = changed.find("\"BehandlingAfsluttetStatusKode\"");
  ASSERT_NE(field, std::string::npos);
  const std::string code = "\"code\": \"01\"";
  const auto at = changed.find(code, field);
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, code.size(), "\"code\": \"02\"");
  const auto second = translate(changed, prior);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].kind, "AfslutBehandling");
  EXPECT_NE(second[0].contentHash, prior.hashes[second[0].idempotencyKey]);
  const Xml x(second[0].body);
  EXPECT_EQ(x.one("//d:Reference/d:SmdbId"), prior.ids[second[0].idempotencyKey]);
  EXPECT_EQ(x.all("//d:Reference/d:Foraelder/d:SmdbId").size(), 4u);
}

TEST(SmdbRender, SinceKeepsOnlyTheDeliveriesFromThatDayOn) {
  const reghub::engine::NoPriorDeliveries none;
  // Delivery days: IVAER 2025-03-10, TILB 2025-03-10 and 2025-04-01, KVALHEP (no date of its own:
  // its latest dependency) 2025-04-01, AFSL 2025-10-15.
  const auto msgs = translate(slurp(kCases / "BASE__keep_complete_forloeb/input.json"), none, nullptr, {},
                              reghub::model::Date::parse("2025-04-01"));
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[0].kind, "IndsaetTilbudstilknytning");
  EXPECT_EQ(msgs[0].deliveryDay, "2025-04-01");
  EXPECT_EQ(msgs[1].kind, "IndsaetKvalHep");
  EXPECT_EQ(msgs[1].deliveryDay, "2025-04-01");
  EXPECT_EQ(msgs[2].kind, "AfslutBehandling");
  EXPECT_EQ(msgs[2].deliveryDay, "2025-10-15");
}

TEST(SmdbRender, SystemskifteModel2ReRegistersFromTheDayAfter) {
  const std::map<std::string, std::string> config = {{"smdb.systemskifteModel", "2"},
                                                     {"smdb.systemskifteDate", "2025-05-31"}};
  const reghub::engine::NoPriorDeliveries none;
  reghub::diag::Collector diags;
  const auto msgs = translate(slurp(kCases / "BASE__keep_complete_forloeb/input.json"), none, &diags, config);
  EXPECT_FALSE(diags.hasErrors());
  ASSERT_EQ(msgs.size(), 5u);
  const Xml iv(msgs[0].body);
  EXPECT_EQ(iv.one("//d:Anmodning/d:BehandlingAnmodningDato"), "2025-06-01T00:00:00");
  EXPECT_EQ(iv.one("//d:Ivaerksaettelse/d:IvaerksatBehandlingDato"), "2025-06-01T00:00:00");
  EXPECT_EQ(iv.one("//d:Ivaerksaettelse/d:IvaerksatBehandlingDageSidenAnmodningKvantitet"), "0");
  EXPECT_TRUE(iv.all("//d:Ivaerksaettelse/d:LaegesamtaleAfholdtDato").empty());
  const Xml t1(msgs[1].body);
  EXPECT_EQ(t1.one("//d:TilbudTilknyttetBehandlingStartDato"), "2025-06-01T00:00:00");
  EXPECT_EQ(t1.one("//d:TilbudTilknyttetBehandlingSlutDato"), "2025-09-30T00:00:00");
  const Xml af(msgs[4].body);
  EXPECT_EQ(af.one("//d:BehandlingAfsluttetDato"), "2025-10-15T00:00:00");
}

TEST(SmdbRender, SystemskifteModel2OldSystemClosesOnTheDay) {
  const std::map<std::string, std::string> config = {{"smdb.systemskifteModel", "2"},
                                                     {"smdb.systemskifteDate", "2025-12-31"},
                                                     {"smdb.systemskifteRole", "old"}};
  const reghub::engine::NoPriorDeliveries none;
  reghub::diag::Collector diags;
  const auto msgs = translate(slurp(kCases / "SMDB-SYS-07__keep_close_per_31_december/input.json"), none, &diags,
                              config);
  EXPECT_FALSE(diags.hasErrors());
  ASSERT_EQ(msgs.size(), 5u);
  for (size_t i : {1u, 2u}) {
    const Xml t(msgs[i].body);
    EXPECT_EQ(t.one("//d:TilbudTilknyttetBehandlingSlutDato"), "2025-12-31T00:00:00");
  }
  ASSERT_EQ(msgs[4].kind, "AfslutBehandling");
  const Xml af(msgs[4].body);
  EXPECT_EQ(af.one("//d:BehandlingAfsluttetDato"), "2025-12-31T00:00:00");
  EXPECT_EQ(af.one("//d:BehandlingAfsluttetAarsagKode"), "10");
  EXPECT_EQ(af.one("//d:BehandlingAfsluttetAarsagTekst"), "Systemskifte");
}

}  // namespace
