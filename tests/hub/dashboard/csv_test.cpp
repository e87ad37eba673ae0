// The CSV a Danish Excel opens, and the masking every table applies.
#include <gtest/gtest.h>

#include "hub/dashboard/csv.h"
#include "hub/dashboard/form.h"
#include "hub/dashboard/html.h"

namespace reghub::dashboard {
namespace {

TEST(DashboardCsv, BomSemicolonsCrlfAndQuoting) {
  Table t{"x", {"Register", "Antal"}, {}};
  t.add({text("smdb; \"a\""), number(3)});
  EXPECT_EQ(toCsv(t), "\xEF\xBB\xBFRegister;Antal\r\n\"smdb; \"\"a\"\"\";3\r\n");
}

TEST(DashboardCsv, AFormulaIsNotRunByExcel) {
  Table t{"x", {"a"}, {}};
  t.add({text("=HYPERLINK(\"x\")")});
  EXPECT_NE(toCsv(t).find("'=HYPERLINK"), std::string::npos);
}

TEST(DashboardTable, TenDigitRunsAreMaskedInTextAndLinks) {
  Table t{"x", {"a"}, {}};
  t.add({text("svar om 0101801234", "/dashboard/forloeb?noegle=0101801234")});
  EXPECT_EQ(toCsv(t).find("0101801234"), std::string::npos);
  EXPECT_EQ(tableHtml(t, "", "").find("0101801234"), std::string::npos);
}

TEST(DashboardHtml, EveryValueIsEscaped) {
  Table t{"x", {"<h>"}, {}};
  t.add({text("<script>alert('x')</script>&")});
  const std::string h = tableHtml(t, "", "");
  EXPECT_EQ(h.find("<script>"), std::string::npos) << h;
  EXPECT_NE(h.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"), std::string::npos) << h;
}

TEST(DashboardForm, ParsesUrlEncodedAndCookies) {
  const auto f = parseForm("token=a+b%21&csrf=&bad=%zz");
  EXPECT_EQ(f.at("token"), "a b!");
  EXPECT_EQ(f.at("csrf"), "");
  EXPECT_EQ(f.at("bad"), "");
  EXPECT_EQ(cookieValue("x=1; reghub_session=abc; y=2", "reghub_session"), "abc");
  EXPECT_EQ(cookieValue("x=1", "reghub_session"), "");
}

}  // namespace
}  // namespace reghub::dashboard
