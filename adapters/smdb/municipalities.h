#pragma once
// The 98 kommuner (mapping/municipalities.csv): DK-core 4-digit code,
// SMDB's 3-digit KommuneKode and name. load() reads the file and throws
// std::runtime_error if it is missing or malformed; afterwards immutable.
#include <map>
#include <memory>
#include <string>

namespace reghub::smdb {

class Municipalities {
 public:
  static std::shared_ptr<const Municipalities> load(const std::string& dataDir);
  // By 3-digit KommuneKode ("330"); nullptr if not a kommune.
  const std::string* nameOf(const std::string& kommune3) const;
  size_t size() const { return byCode3_.size(); }

 private:
  std::map<std::string, std::string> byCode3_;
};

}  // namespace reghub::smdb
