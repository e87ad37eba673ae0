#include "tests/adapters/smdb/day_files.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <stdexcept>

#include "tests/adapters/smdb/smdb_test_util.h"

namespace fs = std::filesystem;

namespace smdb_test {

const char* toString(Shape s) {
  switch (s) {
    case Shape::kBundles:
      return "bundles";
    case Shape::kResources:
      return "resources";
    case Shape::kNdjson:
      return "ndjson";
  }
  return "?";
}

namespace {

std::string compact(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

void writeFile(const fs::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + p.string());
}

// A Bundle (type collection) holding copies of `entries`.
std::string bundleOf(const std::vector<const rapidjson::Value*>& entries) {
  rapidjson::Document b(rapidjson::kObjectType);
  auto& al = b.GetAllocator();
  b.AddMember("resourceType", "Bundle", al);
  b.AddMember("type", "collection", al);
  rapidjson::Value arr(rapidjson::kArrayType);
  for (const rapidjson::Value* e : entries) arr.PushBack(rapidjson::Value(*e, al), al);
  b.AddMember("entry", arr, al);
  return compact(b);
}

std::string twoDigits(size_t i) {
  const std::string s = std::to_string(i);
  return s.size() < 2 ? "0" + s : s;
}

}  // namespace

std::vector<fs::path> writeDayFiles(const fs::path& input, const fs::path& dir, Shape shape) {
  const std::string text = slurp(input);
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("entry") || !d["entry"].IsArray())
    throw std::runtime_error(input.string() + ": not a Bundle with entries");
  std::vector<const rapidjson::Value*> base, skemas;
  for (const auto& e : d["entry"].GetArray()) {
    const bool qr = e.HasMember("resource") && e["resource"].HasMember("resourceType") &&
                    std::string(e["resource"]["resourceType"].GetString()) == "QuestionnaireResponse";
    (qr ? skemas : base).push_back(&e);
  }
  if (skemas.empty()) throw std::runtime_error(input.string() + ": no QuestionnaireResponse to split off");
  fs::create_directories(dir);
  std::vector<fs::path> files;
  files.push_back(dir / "00-base.json");
  writeFile(files.back(), bundleOf(base));
  if (shape == Shape::kNdjson) {
    std::string lines;
    for (const rapidjson::Value* e : skemas) lines += compact((*e)["resource"]) + "\n";
    files.push_back(dir / "01-skemaer.ndjson");
    writeFile(files.back(), lines);
    return files;
  }
  for (size_t i = 0; i < skemas.size(); ++i) {
    const rapidjson::Value& r = (*skemas[i])["resource"];
    const std::string id = r.HasMember("id") && r["id"].IsString() ? r["id"].GetString() : "skema";
    files.push_back(dir / (twoDigits(i + 1) + "-" + id + ".json"));
    writeFile(files.back(), shape == Shape::kBundles ? bundleOf({skemas[i]}) : compact(r));
  }
  return files;
}

std::vector<std::string> validCaseNames() {
  std::vector<std::string> names;
  if (!fs::is_directory(kCases)) return names;
  for (const auto& e : fs::directory_iterator(kCases)) {
    if (!e.is_directory() || !fs::exists(e.path() / "input.json")) continue;
    std::ifstream in(e.path() / "expected_diagnostics.jsonl");
    std::string line;
    bool error = false;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      rapidjson::Document x;
      x.Parse(line.c_str());
      if (x.HasParseError() || !x.IsObject() || !x.HasMember("severity") ||
          std::string(x["severity"].GetString()) == "error")
        error = true;  // an unreadable expectation is not a valid forløb either
    }
    if (!error) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> caseConfigArgs(const fs::path& caseDir) {
  if (fs::exists(caseDir / "settings.properties")) return {"--config", (caseDir / "settings.properties").string()};
  return {};
}

CliResult runReghub(const std::vector<std::string>& args, const fs::path& scratch,
                    const std::vector<std::string>& env) {
  static std::atomic<int> seq{0};
  const int n = seq++;
  const fs::path outFile = scratch / ("cli-" + std::to_string(n) + ".out");
  const fs::path errFile = scratch / ("cli-" + std::to_string(n) + ".err");
  std::vector<std::string> argv = {REGHUB_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int o = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int i = ::open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || i < 0) ::_exit(126);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::dup2(i, 0);
    for (const std::string& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult r;
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(outFile);
  r.err = slurp(errFile);
  fs::remove(outFile);
  fs::remove(errFile);
  return r;
}

namespace {
std::string member(const rapidjson::Value& d, const char* name) {
  return d.HasMember(name) && d[name].IsString() ? d[name].GetString() : "";
}
template <typename F>
void eachJsonLine(const std::string& text, F f) {
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string::npos) j = text.size();
    const std::string line = text.substr(i, j - i);
    i = j + 1;
    if (line.empty()) continue;
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError() || !d.IsObject()) {
      f(nullptr);
      continue;
    }
    f(&d);
  }
}
}  // namespace

std::multiset<std::string> diagnosticKeys(const std::string& jsonLines) {
  std::multiset<std::string> keys;
  eachJsonLine(jsonLines, [&](const rapidjson::Document* d) {
    if (!d) {
      keys.insert("(a line that is not a JSON object)");
      return;
    }
    keys.insert(member(*d, "severity") + " " + member(*d, "rule") + " [" + member(*d, "field") + "] " +
                member(*d, "forloeb") + " " + member(*d, "citizen") + " (" + member(*d, "registry") + ")");
  });
  return keys;
}

int countRule(const std::string& jsonLines, const std::string& rule) {
  int n = 0;
  eachJsonLine(jsonLines, [&](const rapidjson::Document* d) {
    if (d && member(*d, "rule") == rule) ++n;
  });
  return n;
}

std::string describeDifference(const std::multiset<std::string>& want, const std::multiset<std::string>& got) {
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::string s;
  for (const auto& m : missing) s += "  only in the whole-file run: " + m + "\n";
  for (const auto& m : extra) s += "  only in the day-file run:   " + m + "\n";
  return s;
}

std::map<std::string, std::string> readTree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).generic_string()] = slurp(e.path());
  return out;
}

std::string withoutSequence(const std::string& relativePath) {
  static const std::regex kSeq("(^|/)[0-9]{6}-([^/]*)$");
  return std::regex_replace(relativePath, kSeq, "$1$2");
}

ScratchDir::ScratchDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temp dir");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string testName(const std::string& caseName) {
  std::string n = caseName;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

}  // namespace smdb_test
