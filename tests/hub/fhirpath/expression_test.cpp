// FHIRPath parsing (hub/fhirpath/expression.h): what the KL IGs write
// parses; malformed text is a ParseError that says where.
#include "hub/fhirpath/expression.h"

#include <gtest/gtest.h>

namespace reghub::fhirpath {
namespace {

TEST(FhirPathParse, TheKlInvariantsParse) {
  for (const char* e : {
           "activity.detail.all(statusReason.exists() = (status = 'cancelled' or status = 'stopped'))",
           "activity.detail.code.coding.code = 'a'\n    or activity.detail.code.coding.code = 'b' implies basedOn.empty()",
           "category.select(coding.code = 'x' or\n coding.code = 'y').anyTrue()",
           "entry.select(resource as CarePlan).all(\n $this.conformsTo('http://x/a')\n or $this.conformsTo('http://x/b'))",
           "hasValue() or (children().count() > id.count())",
           "extension.exists() != value.exists()",
           "start.hasValue().not() or end.hasValue().not() or (start <= end)",
           "-1 + 2 * 3 div 4 mod 5 & 'x'",
           "name[0].given | name[1].given",
           "value is Quantity and value.as(FHIR.Quantity).code = 'mg'",
           "@2024-01-01 < @2024-01-02T10:00:00Z // a comment",
           "{} .empty() /* block */",
       })
    EXPECT_NO_THROW(Expression::parse(e)) << e;
}

TEST(FhirPathParse, ShapesOfTheTree) {
  const auto e = Expression::parse("a.b(c) = 'x'");
  const Node& root = e.root();
  ASSERT_EQ(root.kind, Node::Kind::kBinary);
  EXPECT_EQ(root.text, "=");
  const Node& call = *root.children[0];
  EXPECT_EQ(call.kind, Node::Kind::kCall);
  EXPECT_TRUE(call.hasFocus);
  EXPECT_EQ(call.children[0]->kind, Node::Kind::kIdentifier);
  // implies binds weaker than or
  const auto i = Expression::parse("a or b implies c");
  EXPECT_EQ(i.root().text, "implies");
}

TEST(FhirPathParse, MalformedTextSaysWhere) {
  struct Bad {
    const char* text;
    size_t offset;
  };
  for (const Bad& b : {Bad{"a.", 2}, Bad{"'unterminated", 0}, Bad{"a = = b", 4}, Bad{"where(", 6}, Bad{"a # b", 2},
                       Bad{"$that", 0}, Bad{"(a", 2}, Bad{"a b", 2}}) {
    try {
      Expression::parse(b.text);
      ADD_FAILURE() << "parsed: " << b.text;
    } catch (const ParseError& e) {
      EXPECT_EQ(e.offset(), b.offset) << b.text << ": " << e.what();
    }
  }
}

TEST(FhirPathParse, DeepNestingAndLongTextAreRefusedNotOverflowed) {
  EXPECT_THROW(Expression::parse(std::string(500, '(') + "a" + std::string(500, ')')), ParseError);
  EXPECT_THROW(Expression::parse(std::string(70'000, 'a')), ParseError);
  EXPECT_NO_THROW(Expression::parse(std::string(10'000, '-') + "1"));  // signs are iterative
}

}  // namespace
}  // namespace reghub::fhirpath
