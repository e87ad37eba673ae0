#pragma once
// A parsed FHIRPath expression (the subset the KL Gateway IGs and the R4
// invariants use: paths, indexers, $this, literals, the operators of
// FHIRPath N1 §6 but the quantity and date arithmetic, and the functions
// evaluator.h lists). Parsed once, when the profile that holds it is
// loaded; immutable and shareable afterwards.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace reghub::fhirpath {

// An expression that does not parse: where (byte offset) and what.
class ParseError : public std::runtime_error {
 public:
  ParseError(size_t offset, const std::string& what)
      : std::runtime_error("FHIRPath, at " + std::to_string(offset) + ": " + what), offset_(offset) {}
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

struct Node {
  enum class Kind {
    kEmpty,       // {}
    kBool,        // true / false
    kInteger,     // 42
    kDecimal,     // 4.2
    kString,      // 'text'
    kDateTime,    // @2024-01-01, @2024-01-01T10:00:00Z (text without '@')
    kThis,        // $this
    kIndex,       // $index
    kIdentifier,  // name (a path step from the focus)
    kMember,      // child[0].name
    kIndexer,     // child[0][child[1]]
    kCall,        // name(args): children = [focus?, args...]; focus is child[0] when hasFocus
    kUnary,       // op child[0]  ("-", "+")
    kBinary,      // child[0] op child[1]
    kTypeOp,      // child[0] is/as name
  };
  Kind kind = Kind::kEmpty;
  std::string text;  // identifier, function, operator, literal text, type name
  bool hasFocus = false;  // kCall: invoked on child[0] ("a.f()") rather than on the input ("f()")
  int64_t integer = 0;
  double decimal = 0;
  std::vector<std::unique_ptr<Node>> children;
};

class Expression {
 public:
  // Throws ParseError.
  static Expression parse(std::string_view text);
  const Node& root() const { return *root_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace reghub::fhirpath
