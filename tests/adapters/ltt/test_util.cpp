#include "tests/adapters/ltt/test_util.h"

#include <cstdio>

#include <sys/wait.h>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace reghub::ltt::test {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

rapidjson::Document parseJson(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError()) throw std::runtime_error("bad JSON at offset " + std::to_string(d.GetErrorOffset()));
  return d;
}

std::string toJsonText(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

std::string sourceDir() { return REGHUB_SOURCE_DIR; }
std::string sharedDir() { return REGHUB_SHARED_DIR; }

std::vector<std::string> ruleLines(const std::vector<diag::Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.rule + " " + std::string(diag::toString(d.severity)));
  std::sort(out.begin(), out.end());
  return out;
}

CliResult runCommand(const std::string& command, const std::string& errFile) {
  CliResult r;
  FILE* p = ::popen((command + " 2>" + errFile).c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.exit = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = readFile(errFile);
  std::remove(errFile.c_str());
  return r;
}

}  // namespace reghub::ltt::test
