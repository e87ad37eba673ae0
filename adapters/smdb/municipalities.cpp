#include "adapters/smdb/municipalities.h"

#include <fstream>
#include <stdexcept>

#include "hub/util/strings.h"

namespace reghub::smdb {

std::shared_ptr<const Municipalities> Municipalities::load(const std::string& dataDir) {
  const std::string path = dataDir + "/mapping/municipalities.csv";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  auto m = std::make_shared<Municipalities>();
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    if (++n == 1) continue;  // header
    if (util::trim(line).empty()) continue;
    const auto cols = util::split(util::trim(line), ',');
    if (cols.size() != 3 || cols[0].size() != 4 || cols[1].size() != 3 || !util::isAllDigits(cols[0]) ||
        !util::isAllDigits(cols[1]) || cols[0].substr(1) != cols[1])
      throw std::runtime_error(path + ":" + std::to_string(n) + ": expected dk_core_code(4),kommunekode(3),navn");
    if (!m->byCode3_.emplace(cols[1], cols[2]).second)
      throw std::runtime_error(path + ":" + std::to_string(n) + ": kommunekode " + cols[1] + " appears twice");
  }
  if (m->byCode3_.size() != 98)
    throw std::runtime_error(path + ": expected the 98 kommuner, found " + std::to_string(m->byCode3_.size()));
  return m;
}

const std::string* Municipalities::nameOf(const std::string& kommune3) const {
  const auto it = byCode3_.find(kommune3);
  return it == byCode3_.end() ? nullptr : &it->second;
}

}  // namespace reghub::smdb
