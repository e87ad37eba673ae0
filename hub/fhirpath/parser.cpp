// A recursive-descent parser for FHIRPath, one function per precedence
// level of FHIRPath N1 §6.13 (implies lowest, then or/xor, and, in/contains,
// equality, inequality, |, is/as, additive, multiplicative, unary, then
// the invocation chain).
#include <cctype>
#include <cstdlib>
#include <set>

#include "hub/fhirpath/expression.h"

namespace reghub::fhirpath {

namespace {

struct Token {
  enum class Kind { kEnd, kIdentifier, kString, kNumber, kDateTime, kSymbol, kSpecial };  // kSpecial: $this
  Kind kind = Kind::kEnd;
  std::string text;
  size_t offset = 0;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> all() {
    std::vector<Token> out;
    for (;;) {
      out.push_back(next());
      if (out.back().kind == Token::Kind::kEnd) return out;
    }
  }

 private:
  Token next() {
    skipSpaceAndComments();
    Token t;
    t.offset = i_;
    if (i_ >= s_.size()) return t;
    const char c = s_[i_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      t.kind = Token::Kind::kIdentifier;
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) t.text += s_[i_++];
      return t;
    }
    if (c == '`') {  // delimited identifier
      t.kind = Token::Kind::kIdentifier;
      t.text = quoted('`');
      return t;
    }
    if (c == '\'') {
      t.kind = Token::Kind::kString;
      t.text = quoted('\'');
      return t;
    }
    if (c == '$') {
      t.kind = Token::Kind::kSpecial;
      ++i_;
      while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) t.text += s_[i_++];
      if (t.text != "this" && t.text != "index" && t.text != "total") throw ParseError(t.offset, "unknown $" + t.text);
      return t;
    }
    if (c == '@') {
      t.kind = Token::Kind::kDateTime;
      ++i_;
      while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || std::string_view("-:.+").find(s_[i_]) != std::string_view::npos))
        t.text += s_[i_++];
      if (t.text.empty()) throw ParseError(t.offset, "'@' without a date");
      return t;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      t.kind = Token::Kind::kNumber;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) t.text += s_[i_++];
      if (i_ + 1 < s_.size() && s_[i_] == '.' && std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) {
        t.text += s_[i_++];
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) t.text += s_[i_++];
      }
      return t;
    }
    t.kind = Token::Kind::kSymbol;
    for (const char* two : {"<=", ">=", "!=", "!~"})
      if (s_.substr(i_, 2) == two) {
        t.text = two;
        i_ += 2;
        return t;
      }
    if (std::string_view(".()[],=<>~|&+-*/{}").find(c) == std::string_view::npos)
      throw ParseError(i_, std::string("unexpected character '") + c + "'");
    t.text = std::string(1, c);
    ++i_;
    return t;
  }

  std::string quoted(char q) {
    const size_t start = i_++;
    std::string out;
    while (i_ < s_.size() && s_[i_] != q) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        const char e = s_[++i_];
        switch (e) {
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'f': out += '\f'; break;
          default: out += e; break;  // \' \" \` \\ \/
        }
        ++i_;
        continue;
      }
      out += s_[i_++];
    }
    if (i_ >= s_.size()) throw ParseError(start, "unterminated quote");
    ++i_;
    return out;
  }

  void skipSpaceAndComments() {
    for (;;) {
      while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
      if (s_.substr(i_, 2) == "//") {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_.substr(i_, 2) == "/*") {
        const size_t end = s_.find("*/", i_ + 2);
        if (end == std::string_view::npos) throw ParseError(i_, "unterminated comment");
        i_ = end + 2;
      } else {
        return;
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

using NodePtr = std::unique_ptr<Node>;

NodePtr make(Node::Kind kind, std::string text = {}) {
  auto n = std::make_unique<Node>();
  n->kind = kind;
  n->text = std::move(text);
  return n;
}

NodePtr binary(std::string op, NodePtr a, NodePtr b) {
  auto n = make(Node::Kind::kBinary, std::move(op));
  n->children.push_back(std::move(a));
  n->children.push_back(std::move(b));
  return n;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  NodePtr expression() {
    NodePtr n = implies();
    if (peek().kind != Token::Kind::kEnd) throw ParseError(peek().offset, "unexpected '" + peek().text + "'");
    return n;
  }

 private:
  // One level of left-associative binary operators.
  template <typename Next>
  NodePtr level(const std::set<std::string>& ops, Next next) {
    NodePtr n = (this->*next)();
    while (isOp(ops)) {
      const std::string op = take().text;
      n = binary(op, std::move(n), (this->*next)());
    }
    return n;
  }
  bool isOp(const std::set<std::string>& ops) const {
    const Token& t = peek();
    return (t.kind == Token::Kind::kSymbol || t.kind == Token::Kind::kIdentifier) && ops.count(t.text);
  }

  NodePtr implies() { return level({"implies"}, &Parser::orXor); }
  NodePtr orXor() { return level({"or", "xor"}, &Parser::andOp); }
  NodePtr andOp() { return level({"and"}, &Parser::membership); }
  NodePtr membership() { return level({"in", "contains"}, &Parser::equality); }
  NodePtr equality() { return level({"=", "~", "!=", "!~"}, &Parser::inequality); }
  NodePtr inequality() { return level({"<", ">", "<=", ">="}, &Parser::unionOp); }
  NodePtr unionOp() { return level({"|"}, &Parser::typeOp); }
  NodePtr typeOp() {
    NodePtr n = additive();
    while (isOp({"is", "as"})) {
      auto t = make(Node::Kind::kTypeOp, take().text);
      t->children.push_back(std::move(n));
      t->children.push_back(make(Node::Kind::kIdentifier, typeName()));
      n = std::move(t);
    }
    return n;
  }
  NodePtr additive() { return level({"+", "-", "&"}, &Parser::multiplicative); }
  NodePtr multiplicative() { return level({"*", "/", "div", "mod"}, &Parser::unary); }
  NodePtr unary() {
    std::vector<std::string> ops;  // iteratively: "- - - x" must not recurse per sign
    while (peek().kind == Token::Kind::kSymbol && (peek().text == "-" || peek().text == "+")) ops.push_back(take().text);
    NodePtr n = invocation();
    for (auto op = ops.rbegin(); op != ops.rend(); ++op) {
      auto u = make(Node::Kind::kUnary, *op);
      u->children.push_back(std::move(n));
      n = std::move(u);
    }
    return n;
  }

  // term ( '.' invocation | '[' expression ']' )*
  NodePtr invocation() {
    NodePtr n = term();
    for (;;) {
      if (symbol(".")) {
        take();
        const Token name = expect(Token::Kind::kIdentifier, "a name after '.'");
        if (symbol("(")) {
          auto call = functionCall(name.text);
          call->hasFocus = true;
          call->children.insert(call->children.begin(), std::move(n));
          n = std::move(call);
        } else {
          auto m = make(Node::Kind::kMember, name.text);
          m->children.push_back(std::move(n));
          n = std::move(m);
        }
      } else if (symbol("[")) {
        take();
        auto ix = make(Node::Kind::kIndexer);
        ix->children.push_back(std::move(n));
        ix->children.push_back(implies());
        expectSymbol("]");
        n = std::move(ix);
      } else {
        return n;
      }
    }
  }

  NodePtr term() {
    const Token& t = peek();
    switch (t.kind) {
      case Token::Kind::kString: return make(Node::Kind::kString, take().text);
      case Token::Kind::kDateTime: return make(Node::Kind::kDateTime, take().text);
      case Token::Kind::kNumber: {
        const std::string text = take().text;
        auto n = make(text.find('.') == std::string::npos ? Node::Kind::kInteger : Node::Kind::kDecimal, text);
        if (n->kind == Node::Kind::kInteger)
          n->integer = std::strtoll(text.c_str(), nullptr, 10);
        else
          n->decimal = std::strtod(text.c_str(), nullptr);
        return n;
      }
      case Token::Kind::kSpecial:
        return make(take().text == "this" ? Node::Kind::kThis : Node::Kind::kIndex);
      case Token::Kind::kIdentifier: {
        const std::string name = take().text;
        if (name == "true" || name == "false") {
          auto b = make(Node::Kind::kBool, name);
          b->integer = name == "true";
          return b;
        }
        if (symbol("(")) return functionCall(name);
        return make(Node::Kind::kIdentifier, name);
      }
      case Token::Kind::kSymbol:
        if (t.text == "(") {
          take();
          NodePtr n = implies();
          expectSymbol(")");
          return n;
        }
        if (t.text == "{") {
          take();
          expectSymbol("}");
          return make(Node::Kind::kEmpty);
        }
        break;
      case Token::Kind::kEnd:
        throw ParseError(t.offset, "the expression ends too early");
    }
    throw ParseError(t.offset, "unexpected '" + t.text + "'");
  }

  NodePtr functionCall(const std::string& name) {
    expectSymbol("(");
    auto call = make(Node::Kind::kCall, name);
    if (!symbol(")")) {
      for (;;) {
        // as(Type), is(Type), ofType(Type) take a type name.
        if (name == "as" || name == "is" || name == "ofType")
          call->children.push_back(make(Node::Kind::kIdentifier, typeName()));
        else
          call->children.push_back(implies());
        if (!symbol(",")) break;
        take();
      }
    }
    expectSymbol(")");
    return call;
  }

  // Type names may be qualified (FHIR.CarePlan, System.String).
  std::string typeName() {
    std::string name = expect(Token::Kind::kIdentifier, "a type name").text;
    while (symbol(".") && t_[pos_ + 1].kind == Token::Kind::kIdentifier) {
      take();
      name += "." + take().text;
    }
    return name;
  }

  bool symbol(const char* s) const { return peek().kind == Token::Kind::kSymbol && peek().text == s; }
  void expectSymbol(const char* s) {
    if (!symbol(s)) throw ParseError(peek().offset, std::string("expected '") + s + "'");
    take();
  }
  Token expect(Token::Kind kind, const char* what) {
    if (peek().kind != kind) throw ParseError(peek().offset, std::string("expected ") + what);
    return take();
  }
  const Token& peek() const { return t_[pos_]; }
  Token take() { return t_[pos_ < t_.size() - 1 ? pos_++ : pos_]; }

  std::vector<Token> t_;
  size_t pos_ = 0;
};

// Longer expressions are refused; so is nesting deeper than 100 (the parser recurses).
constexpr size_t kMaxLength = 64 * 1024;

}  // namespace

Expression Expression::parse(std::string_view text) {
  if (text.size() > kMaxLength) throw ParseError(0, "expression longer than 64 KiB");
  size_t depth = 0, maxDepth = 0;
  for (char c : text) {
    if (c == '(' || c == '[') maxDepth = std::max(maxDepth, ++depth);
    if ((c == ')' || c == ']') && depth > 0) --depth;
  }
  if (maxDepth > 100) throw ParseError(0, "nested more than 100 levels");
  Expression e;
  e.text_ = std::string(text);
  e.root_ = Parser(Lexer(text).all()).expression();
  return e;
}

}  // namespace reghub::fhirpath
