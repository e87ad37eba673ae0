#include "hub/fhirpath/evaluator.h"
#include "hub/fhirpath/match_memo.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <regex>
#include <string_view>

namespace reghub::fhirpath {

namespace {

// Names are compared as string_views: by length first, no strlen (the
// evaluator dispatches on function and operator names for every node).
using namespace std::string_view_literals;

using rapidjson::Value;
using Kind = Item::Kind;

// An error in the data: unwinds the evaluation to evaluate(), which returns
// it as Result::error. (Internal only: nothing escapes evaluate().)
struct EvalError {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw EvalError{std::move(message)}; }

constexpr int kMaxDepth = 200;

// ---- document access ------------------------------------------------------

void appendValue(const Value& v, Collection& out) {
  if (v.IsArray()) {
    for (const auto& x : v.GetArray())
      if (!x.IsNull()) out.push_back(Item::of(x));
  } else if (!v.IsNull()) {
    out.push_back(Item::of(v));
  }
}

bool isChoiceOf(std::string_view member, std::string_view name) {
  return member.size() > name.size() && member.compare(0, name.size(), name) == 0 &&
         std::isupper(static_cast<unsigned char>(member[name.size()]));
}

// The children of an object named `name`; a choice element by prefix.
void childrenNamed(const Value& obj, std::string_view name, Collection& out) {
  if (!obj.IsObject()) return;
  if (const auto it = obj.FindMember(rapidjson::StringRef(name.data(), name.size())); it != obj.MemberEnd()) {
    appendValue(it->value, out);
    return;
  }
  for (const auto& m : obj.GetObject())
    if (isChoiceOf(std::string_view(m.name.GetString(), m.name.GetStringLength()), name)) appendValue(m.value, out);
}

std::string resourceTypeOf(const Value& v) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember("resourceType");
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : std::string();
}

// ---- values ---------------------------------------------------------------

// A JSON primitive as a value item; objects and arrays stay nodes.
Item value(const Item& i) {
  if (i.kind != Kind::kNode) return i;
  const Value& v = *i.node;
  Item out;
  if (v.IsBool()) {
    out.kind = Kind::kBool;
    out.boolean = v.GetBool();
  } else if (v.IsInt64()) {
    out.kind = Kind::kInteger;
    out.integer = v.GetInt64();
  } else if (v.IsNumber()) {
    out.kind = Kind::kDecimal;
    out.decimal = v.GetDouble();
  } else if (v.IsString()) {
    out.kind = Kind::kString;
    out.string.assign(v.GetString(), v.GetStringLength());
  } else {
    return i;
  }
  return out;
}

bool isNumber(const Item& i) { return i.kind == Kind::kInteger || i.kind == Kind::kDecimal; }
double number(const Item& i) { return i.kind == Kind::kInteger ? static_cast<double>(i.integer) : i.decimal; }
bool isText(const Item& i) { return i.kind == Kind::kString || i.kind == Kind::kDateTime; }

std::optional<bool> itemsEqual(const Item& a0, const Item& b0) {
  const Item a = value(a0), b = value(b0);
  if (a.kind == Kind::kNode || b.kind == Kind::kNode) {
    if (a.kind != b.kind) return false;
    return *a.node == *b.node;  // deep JSON equality
  }
  if (isNumber(a) && isNumber(b)) return number(a) == number(b);
  if (isText(a) && isText(b)) {
    // A date against a dateTime of another precision: not comparable.
    if ((a.kind == Kind::kDateTime || b.kind == Kind::kDateTime) && a.string.size() != b.string.size() &&
        (a.string.size() <= 10 || b.string.size() <= 10) && a.string.compare(0, 4, b.string, 0, 4) == 0)
      return std::nullopt;
    return a.string == b.string;
  }
  if (a.kind == Kind::kBool && b.kind == Kind::kBool) return a.boolean == b.boolean;
  return false;
}

std::string typeNameOf(const Item& i) {
  switch (i.kind) {
    case Kind::kBool: return "Boolean";
    case Kind::kInteger: return "Integer";
    case Kind::kDecimal: return "Decimal";
    case Kind::kString: return "String";
    case Kind::kDateTime: return "DateTime";
    case Kind::kNode: break;
  }
  return resourceTypeOf(*i.node);
}

// `is`/`as`/`ofType`: resources by resourceType; primitives by their JSON
// kind (the document carries no other type information).
bool isType(const Item& i, std::string type) {
  if (const auto dot = type.rfind('.'); dot != std::string::npos) type = type.substr(dot + 1);
  if (i.kind == Kind::kNode) {
    const Value& v = *i.node;
    if (v.IsObject()) return resourceTypeOf(v) == type;
    const std::string t = type;
    if (v.IsBool()) return t == "boolean" || t == "Boolean";
    if (v.IsString())
      return t == "string" || t == "String" || t == "code" || t == "id" || t == "uri" || t == "url" ||
             t == "canonical" || t == "markdown" || t == "date" || t == "dateTime" || t == "instant";
    if (v.IsInt64()) return t == "integer" || t == "Integer" || t == "positiveInt" || t == "unsignedInt";
    if (v.IsNumber()) return t == "decimal" || t == "Decimal";
    return false;
  }
  std::string lower = typeNameOf(i);
  const auto lowerFirst = [](std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
  };
  return type == lower || lowerFirst(type) == lowerFirst(lower);
}

// What a check is about ("'and'", "memberOf()"), put together only for an
// error message (checks pass far more often than they fail).
struct What {
  What(const char* text) : name(text) {}  // NOLINT: a literal is a What
  What(std::string_view before, std::string_view n, std::string_view after) : pre(before), name(n), post(after) {}
  std::string text() const { return std::string(pre) + std::string(name) + std::string(post); }
  std::string_view pre, name, post;
};
What called(const std::string& fn) { return {"", fn, "()"}; }
What quoted(const std::string& op) { return {"'", op, "'"}; }

// Boolean context (N1 §4.5): empty → empty; one Boolean → it; one other item → true.
std::optional<bool> truth(const Collection& c, const What& where) {
  if (c.empty()) return std::nullopt;
  if (c.size() > 1) fail(where.text() + " needs a single value, got " + std::to_string(c.size()));
  const Item v = value(c.front());
  return v.kind == Kind::kBool ? v.boolean : true;
}

Collection boolean(std::optional<bool> b) {
  if (!b) return {};
  return {Item::ofBool(*b)};
}

const Item& single(const Collection& c, const What& what) {
  if (c.size() != 1) fail(what.text() + " needs a single value, got " + std::to_string(c.size()));
  return c.front();
}

std::string text(const Collection& c, const What& what) {
  const Item v = value(single(c, what));
  if (!isText(v)) fail(what.text() + " needs a string");
  return v.string;
}

std::string todayText(const Context& ctx) {
  if (!ctx.today.empty()) return ctx.today;
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// ---- evaluation -----------------------------------------------------------

class Evaluator {
 public:
  Evaluator(const Value& resource, const Context& ctx) : resource_(resource), ctx_(ctx) {}

  Collection eval(const Node& n, const Collection& input, const Item* self, int64_t index) {
    if (++depth_ > kMaxDepth) fail("expression nested too deeply");
    struct Depth {
      int& d;
      ~Depth() { --d; }
    } guard{depth_};
    switch (n.kind) {
      case Node::Kind::kEmpty: return {};
      case Node::Kind::kBool: return {Item::ofBool(n.integer != 0)};
      case Node::Kind::kInteger: {
        Item i;
        i.kind = Kind::kInteger;
        i.integer = n.integer;
        return {i};
      }
      case Node::Kind::kDecimal: {
        Item i;
        i.kind = Kind::kDecimal;
        i.decimal = n.decimal;
        return {i};
      }
      case Node::Kind::kString: return {Item::ofString(n.text)};
      case Node::Kind::kDateTime: {
        Item i;
        i.kind = Kind::kDateTime;
        i.string = n.text;
        return {i};
      }
      case Node::Kind::kThis: return self ? Collection{*self} : input;
      case Node::Kind::kIndex: {
        Item i;
        i.kind = Kind::kInteger;
        i.integer = index;
        return {i};
      }
      case Node::Kind::kIdentifier: return step(input, n.text, true);
      case Node::Kind::kMember: return step(eval(*n.children[0], input, self, index), n.text, false);
      case Node::Kind::kIndexer: {
        const Collection base = eval(*n.children[0], input, self, index);
        const Item at = value(single(eval(*n.children[1], input, self, index), "an indexer"));
        if (at.kind != Kind::kInteger) fail("an indexer needs an integer");
        if (at.integer < 0 || at.integer >= static_cast<int64_t>(base.size())) return {};
        return {base[static_cast<size_t>(at.integer)]};
      }
      case Node::Kind::kCall: {
        const Collection focus = n.hasFocus ? eval(*n.children[0], input, self, index) : input;
        return call(n, focus, input, self, index);
      }
      case Node::Kind::kUnary: {
        Collection c = eval(*n.children[0], input, self, index);
        if (c.empty() || n.text == "+") return c;
        Item v = value(single(c, "unary minus"));
        if (v.kind == Kind::kInteger) v.integer = -v.integer;
        else if (v.kind == Kind::kDecimal) v.decimal = -v.decimal;
        else fail("unary minus needs a number");
        return {v};
      }
      case Node::Kind::kTypeOp: {
        const Collection c = eval(*n.children[0], input, self, index);
        const std::string& type = n.children[1]->text;
        if (n.text == "is") {
          if (c.empty()) return {};
          return boolean(isType(single(c, "'is'"), type));
        }
        Collection out;  // as: filters (lenient for collections, as validators are)
        for (const Item& i : c)
          if (isType(i, type)) out.push_back(i);
        return out;
      }
      case Node::Kind::kBinary: return binaryOp(n, input, self, index);
    }
    return {};
  }

 private:
  // A path step. The first step of a path may name the focus's resource type.
  Collection step(const Collection& input, const std::string& name, bool first) {
    Collection out;
    const bool typeName = first && !name.empty() && std::isupper(static_cast<unsigned char>(name[0]));
    for (const Item& i : input) {
      if (i.kind != Kind::kNode) continue;
      if (typeName && resourceTypeOf(*i.node) == name) {
        out.push_back(i);
        continue;
      }
      childrenNamed(*i.node, name, out);
    }
    return out;
  }

  Collection perItem(const Node& arg, const Collection& focus, const std::function<void(const Item&, Collection)>& f) {
    for (size_t k = 0; k < focus.size(); ++k) f(focus[k], eval(arg, {focus[k]}, &focus[k], static_cast<int64_t>(k)));
    return {};
  }

  const Node& arg(const Node& n, size_t k, const char* fn) {
    const size_t first = n.hasFocus ? 1 : 0;
    if (n.children.size() <= first + k) fail(std::string(fn) + "() needs an argument");
    return *n.children[first + k];
  }
  size_t argCount(const Node& n) const { return n.children.size() - (n.hasFocus ? 1 : 0); }
  // An argument evaluated once, against the expression's input (N1: arguments that are not lambdas).
  Collection argValue(const Node& n, size_t k, const char* fn, const Collection& input, const Item* self, int64_t idx) {
    return eval(arg(n, k, fn), input, self, idx);
  }

  Collection call(const Node& n, const Collection& focus, const Collection& input, const Item* self, int64_t idx) {
    const std::string& f = n.text;
    if (f == "empty"sv) return boolean(focus.empty());
    if (f == "exists"sv) {
      if (argCount(n) == 0) return boolean(!focus.empty());
      return boolean(!filter(n, focus).empty());
    }
    if (f == "where"sv) return filter(n, focus);
    if (f == "select"sv) {
      Collection out;
      perItem(arg(n, 0, "select"), focus, [&out](const Item&, Collection r) {
        out.insert(out.end(), r.begin(), r.end());
      });
      return out;
    }
    if (f == "repeat"sv) return repeat(arg(n, 0, "repeat"), focus);
    if (f == "all"sv) {
      bool all = true;
      perItem(arg(n, 0, "all"), focus, [&all](const Item&, Collection r) {
        const auto t = truth(r, "all()");
        if (!t || !*t) all = false;
      });
      return boolean(all);
    }
    if (f == "allTrue"sv || f == "anyTrue"sv || f == "allFalse"sv || f == "anyFalse"sv) return quantifier(f, focus);
    if (f == "not"sv) {
      const auto t = truth(focus, "not()");
      return t ? boolean(!*t) : Collection{};
    }
    if (f == "count"sv) {
      Item i;
      i.kind = Kind::kInteger;
      i.integer = static_cast<int64_t>(focus.size());
      return {i};
    }
    if (f == "first"sv) return focus.empty() ? Collection{} : Collection{focus.front()};
    if (f == "last"sv) return focus.empty() ? Collection{} : Collection{focus.back()};
    if (f == "tail"sv) return focus.size() <= 1 ? Collection{} : Collection(focus.begin() + 1, focus.end());
    if (f == "skip"sv || f == "take"sv) {
      const Item k = value(single(argValue(n, 0, f.c_str(), input, self, idx), called(f)));
      if (k.kind != Kind::kInteger) fail(f + "() needs an integer");
      const size_t m = static_cast<size_t>(std::clamp<int64_t>(k.integer, 0, static_cast<int64_t>(focus.size())));
      return f == "skip"sv ? Collection(focus.begin() + static_cast<long>(m), focus.end())
                         : Collection(focus.begin(), focus.begin() + static_cast<long>(m));
    }
    if (f == "single"sv) {
      if (focus.size() > 1) fail("single() over " + std::to_string(focus.size()) + " items");
      return focus;
    }
    if (f == "distinct"sv) return distinct(focus);
    if (f == "union"sv || f == "combine"sv) {
      Collection all = focus;
      const Collection other = argValue(n, 0, f.c_str(), input, self, idx);
      all.insert(all.end(), other.begin(), other.end());
      return f == "union"sv ? distinct(all) : all;
    }
    if (f == "ofType"sv || f == "as"sv || f == "is"sv) {
      const std::string& type = arg(n, 0, f.c_str()).text;
      if (f == "is"sv) return focus.empty() ? Collection{} : boolean(isType(single(focus, "is()"), type));
      Collection out;
      for (const Item& i : focus)
        if (isType(i, type)) out.push_back(i);
      return out;
    }
    if (f == "iif"sv) {
      const auto t = truth(argValue(n, 0, "iif", focus, self, idx), "iif()");
      if (t && *t) return argValue(n, 1, "iif", focus, self, idx);
      return argCount(n) > 2 ? argValue(n, 2, "iif", focus, self, idx) : Collection{};
    }
    if (f == "hasValue"sv) {
      if (focus.size() != 1) return boolean(false);
      const Item v = value(focus.front());
      return boolean(v.kind != Kind::kNode);
    }
    if (f == "children"sv || f == "descendants"sv) {
      Collection out;
      for (const Item& i : focus) collectChildren(i, out, f == "descendants"sv);
      return out;
    }
    if (f == "extension"sv) {
      const std::string url = text(argValue(n, 0, "extension", input, self, idx), "extension()");
      Collection out;
      for (const Item& i : focus) {
        Collection ext;
        if (i.kind == Kind::kNode) childrenNamed(*i.node, "extension", ext);
        for (const Item& e : ext)
          if (e.node->IsObject() && e.node->HasMember("url") && (*e.node)["url"].IsString() &&
              url == (*e.node)["url"].GetString())
            out.push_back(e);
      }
      return out;
    }
    if (f == "trace"sv) return focus;
    if (f == "today"sv || f == "now"sv) {
      Item i;
      i.kind = Kind::kDateTime;
      i.string = todayText(ctx_);
      return {i};
    }
    if (f == "resolve"sv) return resolveAll(focus);
    if (f == "memberOf"sv || f == "conformsTo"sv) {
      if (focus.empty()) return {};
      const Item& i = single(focus, called(f));
      const std::string url = text(argValue(n, 0, f.c_str(), input, self, idx), called(f));
      if (i.kind != Kind::kNode) return boolean(false);
      const auto& hook = f == "memberOf"sv ? ctx_.memberOf : ctx_.conformsTo;
      if (!hook) fail(f + "() is not available here");
      return boolean(hook(*i.node, url));
    }
    return stringFunction(n, focus, input, self, idx);
  }

  Collection stringFunction(const Node& n, const Collection& focus, const Collection& input, const Item* self,
                            int64_t idx) {
    const std::string& f = n.text;
    static constexpr std::string_view kString[] = {"startsWith", "endsWith",  "contains", "matches",  "length",
                                                   "lower",      "upper",     "substring", "toString", "toInteger"};
    if (std::find_if(std::begin(kString), std::end(kString), [&f](std::string_view s) { return f == s; }) ==
        std::end(kString))
      fail("unknown function " + f + "()");
    if (focus.empty()) return {};
    const Item v = value(single(focus, called(f)));
    if (f == "toString"sv) {
      if (isText(v)) return {Item::ofString(v.string)};
      if (v.kind == Kind::kInteger) return {Item::ofString(std::to_string(v.integer))};
      if (v.kind == Kind::kBool) return {Item::ofString(v.boolean ? "true" : "false")};
      return {};
    }
    if (f == "toInteger"sv) {
      if (v.kind == Kind::kInteger) return {v};
      if (v.kind == Kind::kString && !v.string.empty() &&
          std::all_of(v.string.begin(), v.string.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        Item i;
        i.kind = Kind::kInteger;
        i.integer = std::strtoll(v.string.c_str(), nullptr, 10);
        return {i};
      }
      return {};
    }
    if (!isText(v)) fail(f + "() needs a string");
    const std::string& s = v.string;
    if (f == "length"sv) {
      Item i;
      i.kind = Kind::kInteger;
      i.integer = static_cast<int64_t>(s.size());
      return {i};
    }
    if (f == "lower"sv || f == "upper"sv) {
      std::string out = s;
      for (char& c : out)
        c = static_cast<char>(f == "lower"sv ? std::tolower(static_cast<unsigned char>(c))
                                           : std::toupper(static_cast<unsigned char>(c)));
      return {Item::ofString(out)};
    }
    if (f == "substring"sv) {
      const Item start = value(single(argValue(n, 0, "substring", input, self, idx), "substring()"));
      if (start.kind != Kind::kInteger) fail("substring() needs an integer");
      if (start.integer < 0 || start.integer >= static_cast<int64_t>(s.size())) return {};
      size_t len = std::string::npos;
      if (argCount(n) > 1) {
        const Item l = value(single(argValue(n, 1, "substring", input, self, idx), "substring()"));
        if (l.kind != Kind::kInteger) fail("substring() needs an integer length");
        len = static_cast<size_t>(std::max<int64_t>(0, l.integer));
      }
      return {Item::ofString(s.substr(static_cast<size_t>(start.integer), len))};
    }
    const std::string a = text(argValue(n, 0, f.c_str(), input, self, idx), called(f));
    if (f == "startsWith"sv) return boolean(s.rfind(a, 0) == 0);
    if (f == "endsWith"sv) return boolean(s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0);
    if (f == "contains"sv) return boolean(s.find(a) != std::string::npos);
    return boolean(matchesMemoised(a, s));
  }

  // matches(): answered once per thread for each (pattern, input) (match_memo.h).
  static bool matchesMemoised(const std::string& pattern, const std::string& input) {
    thread_local MatchMemo memo;
    try {
      return memo.matches(pattern, input);
    } catch (const std::regex_error&) {
      fail("matches(): '" + pattern + "' is not a regular expression");
    }
  }

  Collection filter(const Node& n, const Collection& focus) {
    Collection out;
    perItem(arg(n, 0, n.text.c_str()), focus, [&out](const Item& i, Collection r) {
      const auto t = truth(r, "the criterion");
      if (t && *t) out.push_back(i);
    });
    return out;
  }

  Collection repeat(const Node& expr, const Collection& focus) {
    Collection out, frontier = focus;
    for (int round = 0; !frontier.empty(); ++round) {
      if (round > 1000) fail("repeat() does not end");
      Collection next;
      perItem(expr, frontier, [&next](const Item&, Collection r) { next.insert(next.end(), r.begin(), r.end()); });
      out.insert(out.end(), next.begin(), next.end());
      frontier = std::move(next);
    }
    return out;
  }

  static Collection quantifier(const std::string& f, const Collection& focus) {
    const bool wantTrue = f == "allTrue"sv || f == "anyTrue"sv;
    const bool all = f == "allTrue"sv || f == "allFalse"sv;
    bool result = all;
    for (const Item& i : focus) {
      const Item v = value(i);
      if (v.kind != Kind::kBool) fail(f + "() over a value that is not a Boolean");
      const bool match = v.boolean == wantTrue;
      if (all && !match) result = false;
      if (!all && match) result = true;
    }
    return boolean(result);
  }

  static Collection distinct(const Collection& c) {
    Collection out;
    for (const Item& i : c)
      if (std::none_of(out.begin(), out.end(), [&i](const Item& o) { return itemsEqual(o, i).value_or(false); }))
        out.push_back(i);
    return out;
  }

  static void collectChildren(const Item& i, Collection& out, bool deep) {
    if (i.kind != Kind::kNode || !i.node->IsObject()) return;
    for (const auto& m : i.node->GetObject()) {
      if (std::string_view(m.name.GetString()) == "resourceType" || m.name.GetString()[0] == '_') continue;
      const size_t before = out.size();
      appendValue(m.value, out);
      if (deep)
        for (size_t k = before, end = out.size(); k < end; ++k) collectChildren(Collection{out[k]}[0], out, true);
    }
  }

  Collection resolveAll(const Collection& focus) {
    Collection out;
    for (const Item& i : focus) {
      std::string ref;
      const Item v = value(i);
      if (v.kind == Kind::kString) ref = v.string;
      else if (i.kind == Kind::kNode && i.node->IsObject() && i.node->HasMember("reference") &&
               (*i.node)["reference"].IsString())
        ref = (*i.node)["reference"].GetString();
      if (ref.empty() || !ctx_.resolve) continue;
      if (const Value* r = ctx_.resolve(ref)) out.push_back(Item::of(*r));
    }
    return out;
  }

  Collection binaryOp(const Node& n, const Collection& input, const Item* self, int64_t idx) {
    const std::string& op = n.text;
    const auto lhs = [&] { return eval(*n.children[0], input, self, idx); };
    const auto rhs = [&] { return eval(*n.children[1], input, self, idx); };
    if (op == "and"sv || op == "or"sv || op == "xor"sv || op == "implies"sv) return logic(op, lhs, rhs);
    const Collection a = lhs(), b = rhs();
    if (op == "|"sv) return distinct([&] {
      Collection all = a;
      all.insert(all.end(), b.begin(), b.end());
      return all;
    }());
    if (op == "="sv || op == "!="sv) {
      if (a.empty() || b.empty()) return {};
      if (a.size() != b.size()) return boolean(op == "!="sv);
      for (size_t k = 0; k < a.size(); ++k) {
        const auto eq = itemsEqual(a[k], b[k]);
        if (!eq) return {};
        if (!*eq) return boolean(op == "!="sv);
      }
      return boolean(op == "="sv);
    }
    if (op == "~"sv || op == "!~"sv) {
      const bool eq = a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const Item& x, const Item& y) {
                        return itemsEqual(x, y).value_or(false);
                      });
      return boolean(op == "~"sv ? eq : !eq);
    }
    if (op == "in"sv || op == "contains"sv) {
      const Collection& elem = op == "in"sv ? a : b;
      const Collection& coll = op == "in"sv ? b : a;
      if (elem.empty()) return {};
      const Item& e = single(elem, quoted(op));
      return boolean(std::any_of(coll.begin(), coll.end(), [&e](const Item& x) { return itemsEqual(x, e).value_or(false); }));
    }
    if (a.empty() || b.empty()) return {};
    const Item x = value(single(a, quoted(op))), y = value(single(b, quoted(op)));
    if (op == "<"sv || op == ">"sv || op == "<="sv || op == ">="sv) return compare(op, x, y);
    return arithmetic(op, x, y);
  }

  template <typename L, typename R>
  Collection logic(const std::string& op, L lhs, R rhs) {
    const auto a = truth(lhs(), quoted(op));
    if (op == "and"sv && a && !*a) return boolean(false);
    if (op == "or"sv && a && *a) return boolean(true);
    if (op == "implies"sv && a && !*a) return boolean(true);
    const auto b = truth(rhs(), quoted(op));
    if (op == "and"sv) {
      if (b && !*b) return boolean(false);
      return a && b ? boolean(true) : Collection{};
    }
    if (op == "or"sv) {
      if (b && *b) return boolean(true);
      return a && b ? boolean(false) : Collection{};
    }
    if (op == "xor"sv) return a && b ? boolean(*a != *b) : Collection{};
    // implies, with a true or empty
    if (b && *b) return boolean(true);
    return a && b ? boolean(false) : Collection{};
  }

  static Collection compare(const std::string& op, const Item& x, const Item& y) {
    int c = 0;
    if (isNumber(x) && isNumber(y)) {
      c = number(x) < number(y) ? -1 : number(x) > number(y) ? 1 : 0;
    } else if (isText(x) && isText(y)) {
      c = x.string.compare(y.string);
      c = c < 0 ? -1 : c > 0 ? 1 : 0;
    } else {
      fail("'" + op + "' cannot compare " + typeNameOf(x) + " with " + typeNameOf(y));
    }
    if (op == "<"sv) return boolean(c < 0);
    if (op == ">"sv) return boolean(c > 0);
    if (op == "<="sv) return boolean(c <= 0);
    return boolean(c >= 0);
  }

  static Collection arithmetic(const std::string& op, const Item& x, const Item& y) {
    if (op == "&"sv || (op == "+"sv && isText(x) && isText(y))) return {Item::ofString(x.string + y.string)};
    if (!isNumber(x) || !isNumber(y)) fail("'" + op + "' needs numbers");
    Item r;
    const bool ints = x.kind == Kind::kInteger && y.kind == Kind::kInteger;
    if ((op == "div"sv || op == "mod"sv || op == "/"sv) && number(y) == 0) return {};
    if (ints && op != "/") {
      r.kind = Kind::kInteger;
      if (op == "+"sv) r.integer = x.integer + y.integer;
      else if (op == "-"sv) r.integer = x.integer - y.integer;
      else if (op == "*"sv) r.integer = x.integer * y.integer;
      else if (op == "div"sv) r.integer = x.integer / y.integer;
      else r.integer = x.integer % y.integer;
      return {r};
    }
    r.kind = Kind::kDecimal;
    const double a = number(x), b = number(y);
    if (op == "+"sv) r.decimal = a + b;
    else if (op == "-"sv) r.decimal = a - b;
    else if (op == "*"sv) r.decimal = a * b;
    else if (op == "/"sv) r.decimal = a / b;
    else if (op == "div"sv) r.decimal = std::trunc(a / b);
    else r.decimal = std::fmod(a, b);
    return {r};
  }

  const Value& resource_;
  const Context& ctx_;
  int depth_ = 0;
};

}  // namespace

Result evaluate(const Expression& e, const Value& resource, const Context& ctx) {
  Result r;
  try {
    Evaluator ev(resource, ctx);
    const Item root = Item::of(resource);
    r.items = ev.eval(e.root(), {root}, nullptr, 0);
  } catch (const EvalError& err) {
    r.items.clear();
    r.error = err.message;
  }
  return r;
}

std::optional<bool> invariantHolds(const Expression& e, const Value& resource, const Context& ctx, std::string* error) {
  Result r = evaluate(e, resource, ctx);
  if (!r.ok()) {
    if (error) *error = r.error;
    return std::nullopt;
  }
  if (r.items.empty()) return true;
  if (r.items.size() == 1) {
    const Item v = value(r.items.front());
    if (v.kind == Kind::kBool) return v.boolean;
  }
  if (error) *error = "the invariant gives " + std::to_string(r.items.size()) + " values, not one Boolean";
  return std::nullopt;
}

namespace {

// Every function call() and stringFunction() answer (the header's list).
constexpr const char* kSupported[] = {
    "empty", "exists", "all", "allTrue", "anyTrue", "allFalse", "anyFalse", "count", "first", "last", "tail",
    "skip", "take", "single", "distinct", "where", "select", "repeat", "ofType", "as", "is", "not", "iif",
    "hasValue", "children", "descendants", "union", "combine", "startsWith", "endsWith", "contains", "matches",
    "length", "lower", "upper", "substring", "toString", "toInteger", "trace", "today", "now", "extension",
    "resolve", "memberOf", "conformsTo"};

void collectUnsupported(const Node& n, std::vector<std::string>& out) {
  if (n.kind == Node::Kind::kCall &&
      std::find_if(std::begin(kSupported), std::end(kSupported), [&n](const char* s) { return n.text == s; }) ==
          std::end(kSupported) &&
      std::find(out.begin(), out.end(), n.text) == out.end())
    out.push_back(n.text);
  for (const auto& c : n.children)
    if (c) collectUnsupported(*c, out);
}

}  // namespace

std::vector<std::string> unsupportedFunctions(const Expression& e) {
  std::vector<std::string> out;
  collectUnsupported(e.root(), out);
  return out;
}

}  // namespace reghub::fhirpath
