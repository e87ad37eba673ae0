#pragma once
// The 98 kommuner (mapping/municipalities.csv): DK-core 4-digit code,
// SMDB's 3-digit KommuneKode and name. load() reads the file and throws
// std::runtime_error if it is missing or malformed; afterwards immutable.
#include <map>
#include <memory>
#include <string>

namespace reghub::smdb {

// DK-core's 4-digit kommune code ↔ SMDB's 3-digit KommuneKode ("0330" ↔ "330");
// any other text is returned as it is.
inline std::string kommune3Of(const std::string& code) {
  return code.size() == 4 && code[0] == '0' ? code.substr(1) : code;
}
inline std::string kommune4Of(const std::string& code) { return code.size() == 3 ? "0" + code : code; }

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
