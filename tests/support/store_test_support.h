#pragma once
// Helpers for the delivery store and outbox tests: keys, temp dirs,
// synthetic messages, and the PostgreSQL test server's URL.
#include <filesystem>
#include <memory>
#include <string>

#include "hub/engine/outbound_message.h"
#include "hub/model/cpr.h"
#include "hub/store/delivery_store.h"
#include "hub/store/keyring.h"

namespace reghub::testing {

// A fixed test key (not secret; tests only).
std::shared_ptr<const store::Keyring> testKeyring();

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "reghub-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The URL of the PostgreSQL test server: env REGHUB_TEST_PG, else the file
// named by env REGHUB_TEST_PG_FILE (written by tests/support/pg_test_server.sh,
// the CTest fixture). Empty + `why` filled when there is none.
std::string pgTestUrl(std::string* why);
// A fresh, empty schema `name` on the test server; the URL selects it.
// Throws std::runtime_error (with the reason) when PostgreSQL is not there.
std::string freshPgSchemaUrl(const std::string& name);

// A synthetic CPR (valid date, never a real person's on purpose) for message i.
std::string syntheticCpr(int i);

// A message like an adapter renders it: body carries the CPR and a name.
engine::OutboundMessage sampleMessage(int i, const std::string& registry = "testreg", const std::string& kommune = "0101");

}  // namespace reghub::testing
