#pragma once
// Which database the store tests run on: compiled twice, once per backend
// (REGHUB_TEST_BACKEND_PG), so the PostgreSQL binary alone depends on the
// "pg" CTest fixture. Both run the same tests.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/store_test_support.h"

namespace reghub::testing {

class StoreBackend {
 public:
  explicit StoreBackend(const std::string& testName) {
#ifdef REGHUB_TEST_BACKEND_PG
    std::string schema = "t_";
    for (char c : testName) schema.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_');
    url_ = freshPgSchemaUrl(schema.substr(0, 60));  // throws with the reason when PostgreSQL is not there
#else
    (void)testName;
    dir_ = std::make_unique<TempDir>("reghub-store");
    url_ = "sqlite:" + (dir_->path() / "store.db").string();
#endif
  }
  const std::string& url() const { return url_; }
  std::filesystem::path dir() const { return dir_ ? dir_->path() : std::filesystem::path(); }
  std::unique_ptr<store::DeliveryStore> open() const { return store::DeliveryStore::open({url_, testKeyring()}); }
  static bool isPostgres() {
#ifdef REGHUB_TEST_BACKEND_PG
    return true;
#else
    return false;
#endif
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::string url_;
};

inline std::string currentTestName() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string(info->test_suite_name()) + "_" + info->name();
}

}  // namespace reghub::testing
