#include "hub/dashboard/form.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace reghub::dashboard {

namespace {

std::string decode(std::string part) {
  for (auto& c : part)
    if (c == '+') c = ' ';
  std::string out;
  try {
    Poco::URI::decode(part, out);
  } catch (const Poco::Exception&) {
    return {};  // a bad %-sequence: no value
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> parseForm(const std::string& encoded) {
  std::map<std::string, std::string> out;
  size_t at = 0;
  while (at <= encoded.size()) {
    const size_t amp = std::min(encoded.find('&', at), encoded.size());
    const std::string pair = encoded.substr(at, amp - at);
    const size_t eq = pair.find('=');
    if (!pair.empty()) out.emplace(decode(pair.substr(0, eq)), eq == std::string::npos ? "" : decode(pair.substr(eq + 1)));
    at = amp + 1;
  }
  return out;
}

std::string cookieValue(const std::string& header, const std::string& name) {
  size_t at = 0;
  while (at < header.size()) {
    const size_t semi = std::min(header.find(';', at), header.size());
    std::string part = header.substr(at, semi - at);
    const size_t start = part.find_first_not_of(' ');
    part = start == std::string::npos ? "" : part.substr(start);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    at = semi + 1;
  }
  return {};
}

std::string urlEncode(const std::string& value) {
  std::string out;
  Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]%\" <>", out);
  return out;
}

}  // namespace reghub::dashboard
