#include "adapters/kl_gateway/json_file.h"

#include <rapidjson/error/en.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace reghub::kl_gateway {

rapidjson::Document readJsonFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError())
    throw std::runtime_error(file + ": not JSON at offset " + std::to_string(d.GetErrorOffset()) + ": " +
                             rapidjson::GetParseError_En(d.GetParseError()));
  return d;
}

}  // namespace reghub::kl_gateway
