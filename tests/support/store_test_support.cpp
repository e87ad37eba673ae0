#include "tests/support/store_test_support.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

#include "hub/model/cpr.h"
#include "hub/store/sql_db.h"

namespace reghub::testing {

std::shared_ptr<const store::Keyring> testKeyring() {
  // base64 of 32 bytes 0x01..0x20 / 0x21..0x40 — fixed test keys.
  static const auto ring = std::make_shared<const store::Keyring>(
      "test-k1", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=");
  return ring;
}

TempDir::TempDir(const std::string& prefix) {
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    auto p = std::filesystem::temp_directory_path() /
             (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temp dir");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string pgTestUrl(std::string* why) {
  if (const char* url = std::getenv("REGHUB_TEST_PG"); url && *url) return url;
  const char* file = std::getenv("REGHUB_TEST_PG_FILE");
  if (!file || !*file) {
    if (why) *why = "neither REGHUB_TEST_PG nor REGHUB_TEST_PG_FILE is set (run through ctest, which starts the fixture)";
    return {};
  }
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  if (url.empty() && why) {
    const std::filesystem::path err = std::filesystem::path(file).parent_path() / "error";
    std::ifstream e(err);
    std::string reason;
    std::getline(e, reason);
    *why = "the PostgreSQL test server did not start (" + (reason.empty() ? "no " + std::string(file) : reason) +
           "); it needs the Debian package postgresql-15 (see deploy/install-deps.sh)";
  }
  return url;
}

std::string freshPgSchemaUrl(const std::string& name) {
  std::string why;
  const std::string url = pgTestUrl(&why);
  if (url.empty()) throw std::runtime_error(why);
  auto db = store::openPostgres(url);
  db->script("DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name);
  return url + "?options=-csearch_path%3D" + name;
}

std::string syntheticCpr(int i) {
  // Day 01–28, month 01–12, year 60–99 (19xx, 7th digit 0–3), sequence; the
  // last digit moved on while the number passes modulus 11, so it was never
  // issued (model::neverIssued).
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d%02d%02d%d%03d", 1 + i % 28, 1 + (i / 28) % 12, 60 + (i / 336) % 40,
                (i / 13440) % 4, (i * 37) % 1000);
  if (model::passesModulus11(*model::Cpr::parse(buf))) buf[9] = static_cast<char>('0' + (buf[9] - '0' + 1) % 10);
  return buf;
}

engine::OutboundMessage sampleMessage(int i, const std::string& registry, const std::string& kommune) {
  engine::OutboundMessage m;
  m.registry = registry;
  m.kind = "TestReport";
  m.idempotencyKey = "key-" + std::to_string(i);
  m.citizenCpr = syntheticCpr(i);
  m.citizenMasked = model::maskCpr(m.citizenCpr);
  m.forloebKey = "EpisodeOfCare/ep-" + std::to_string(i);
  m.kommune = kommune;
  m.deliveryDay = "2026-11-01";
  m.method = "PUT";
  m.target = "/reports/" + m.idempotencyKey;
  m.contentType = "application/json";
  m.headers["X-Test"] = "yes";
  m.body = R"({"cpr":")" + m.citizenCpr + R"(","name":"Søren Testesen )" + std::to_string(i) + R"("})";
  m.contentHash = "hash-" + std::to_string(i);
  return m;
}

}  // namespace reghub::testing
