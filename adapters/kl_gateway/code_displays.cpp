#include "adapters/kl_gateway/code_displays.h"

#include <rapidjson/document.h>

#include <stdexcept>

#include "adapters/kl_gateway/json_file.h"

namespace reghub::kl_gateway {

namespace {

using rapidjson::Value;

std::string str(const Value& o, const char* k) {
  if (!o.IsObject()) return {};
  const auto it = o.FindMember(k);
  return it != o.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength())
                                                     : std::string();
}

std::string key(std::string_view system, std::string_view code) {
  std::string k(system);
  k += '|';
  k += code;
  return k;
}

// Lower case (ASCII, and the Danish letters' two-byte UTF-8 capitals) with white space runs folded to one blank.
std::string folded(std::string_view s) {
  std::string out;
  bool blank = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c == 0xC3 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9E && static_cast<unsigned char>(s[i + 1]) != 0x97) {
      out += static_cast<char>(c);  // À..Þ (not ×) → à..þ: the second byte + 0x20
      out += static_cast<char>(static_cast<unsigned char>(s[++i]) + 0x20);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// `at`: the element path so far, one buffer for the whole walk (each step
// appends its segment and takes it off again), read only for a finding.
void walk(const Value& v, std::string& at, const CodeDisplays& displays, const diag::Reporter& out) {
  const size_t mark = at.size();
  if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      at += '[';
      at += std::to_string(i);
      at += ']';
      walk(v[i], at, displays, out);
      at.resize(mark);
    }
    return;
  }
  if (!v.IsObject()) return;
  if (v.HasMember("display") && v["display"].IsString()) {
    const std::string system = str(v, "system"), code = str(v, "code");
    if (const std::string* want = displays.display(system, code);
        want && folded(v["display"].GetString()) != folded(*want))
      out.at(at).warning(kRuleDisplay, "Coding.display",
                         "the display of " + system + "#" + code + " is not the code system's ('" + *want + "')");
  }
  for (const auto& m : v.GetObject()) {
    at += '.';
    at.append(m.name.GetString(), m.name.GetStringLength());
    walk(m.value, at, displays, out);
    at.resize(mark);
  }
}

}  // namespace

CodeDisplays CodeDisplays::load(const std::string& file) {
  const rapidjson::Document root = readJsonFile(file);
  if (!root.IsObject()) throw std::runtime_error(file + ": not a JSON object");
  CodeDisplays d;
  if (const auto cs = root.FindMember("codeSystems"); cs != root.MemberEnd()) {
    if (!cs->value.IsObject()) throw std::runtime_error(file + ": 'codeSystems' must be an object");
    for (const auto& s : cs->value.GetObject()) {
      const auto concepts = s.value.IsObject() ? s.value.FindMember("concepts") : s.value.MemberEnd();
      if (!s.value.IsObject() || concepts == s.value.MemberEnd()) continue;
      if (!concepts->value.IsArray()) throw std::runtime_error(file + ": codeSystems concepts must be an array");
      for (const Value& c : concepts->value.GetArray())
        if (const std::string code = str(c, "code"), display = str(c, "display"); !code.empty() && !display.empty())
          d.displays_[key(s.name.GetString(), code)] = display;
    }
  }
  if (const auto vs = root.FindMember("valueSets"); vs != root.MemberEnd() && vs->value.IsArray())
    for (const Value& set : vs->value.GetArray()) {
      const auto exp = set.IsObject() ? set.FindMember("expansion") : set.MemberEnd();
      if (!set.IsObject() || exp == set.MemberEnd() || !exp->value.IsArray()) continue;
      for (const Value& c : exp->value.GetArray())
        if (const std::string display = str(c, "display"); !display.empty())
          d.displays_.emplace(key(str(c, "system"), str(c, "code")), display);  // the code system's wins
    }
  return d;
}

const std::string* CodeDisplays::display(std::string_view system, std::string_view code) const {
  const auto it = displays_.find(key(system, code));
  return it == displays_.end() ? nullptr : &it->second;
}

void checkDisplays(const Value& doc, const CodeDisplays& displays, const diag::Reporter& out) {
  std::string at;
  walk(doc, at, displays, out);
}

}  // namespace reghub::kl_gateway
