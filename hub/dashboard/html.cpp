#include "hub/dashboard/html.h"

namespace reghub::dashboard {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string csrfField(const std::string& csrf) {
  return R"(<input type="hidden" name="csrf" value=")" + escape(csrf) + R"(">)";
}

namespace {

std::string nav(const PageUser& user) {
  if (user.name.empty()) return {};
  return R"(<nav><a href="/dashboard/oversigt">Oversigt</a> <a href="/dashboard/problemer">Hvorfor ikke leveret</a> )"
         R"(<a href="/dashboard/udvikling">Udvikling</a> <a href="/dashboard/opgaver">Opgaver</a> )"
         R"(<a href="/dashboard/parkerede">Parkerede</a> <a href="/dashboard/doede">Døde beskeder</a> )"
         R"(<a href="/dashboard/certifikater">Certifikater</a> <a href="/dashboard/forloeb">Forløb</a>)"
         R"(<form method="post" action="/dashboard/logout" class="logout">)" +
         csrfField(user.csrf) + R"(<span>)" + escape(user.name) +
         R"(</span> <button type="submit">Log ud</button></form></nav>)";
}

std::string cellHtml(const Cell& c) {
  const std::string inner = c.link.empty() ? escape(c.text) : R"(<a href=")" + escape(c.link) + R"(">)" + escape(c.text) + "</a>";
  const std::string cls = (c.number ? std::string("n") : std::string()) + (c.number && !c.style.empty() ? " " : "") + c.style;
  return (cls.empty() ? std::string("<td>") : R"(<td class=")" + escape(cls) + R"(">)") + inner + "</td>";
}

}  // namespace

std::string page(const std::string& title, const PageUser& user, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"da\"><head><meta charset=\"utf-8\"><title>" + escape(title) +
         " · reghub</title><link rel=\"stylesheet\" href=\"/dashboard/style.css\"></head><body><header><h1>reghub</h1>" +
         nav(user) + "</header><main><h2>" + escape(title) + "</h2>" + body + "</main></body></html>\n";
}

std::string tableHtml(const Table& table, const std::string& csvUrl, const std::string& emptyText) {
  std::string out;
  if (!csvUrl.empty()) out += R"(<p class="csv"><a href=")" + escape(csvUrl) + R"(">Hent som CSV</a></p>)";
  if (table.rows.empty()) return out + R"(<p class="empty">)" + escape(emptyText) + "</p>";
  out += "<table><thead><tr>";
  for (const auto& h : table.headers) out += "<th>" + escape(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (const auto& c : row) out += cellHtml(c);
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

const char* const kStyleSheet = R"(body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
header{background:#0b3d5c;color:#fff;padding:.5rem 1rem;display:flex;align-items:center;gap:2rem;flex-wrap:wrap}
header h1{font-size:1.2rem;margin:0}header a{color:#fff;margin-right:1rem}
nav{display:flex;align-items:center;flex-wrap:wrap}.logout{display:inline;margin-left:2rem}.logout span{margin-right:.5rem}
main{padding:1rem 2rem}table{border-collapse:collapse;background:#fff;margin-bottom:1.5rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;white-space:nowrap}th{background:#e8eef2}td.n{text-align:right}
.empty{font-style:italic;color:#555}.csv{margin:.2rem 0}.error{color:#a00;font-weight:bold}
form.login{display:flex;flex-direction:column;max-width:24rem;gap:.5rem}
td.lys-groen{background:#d8f0d8;font-weight:bold}td.lys-gul{background:#fff1b8;font-weight:bold}
td.lys-roed{background:#f8d0d0;font-weight:bold}td.lys-ingen{color:#555}
.chart{background:#fff;border:1px solid #ccc;margin-bottom:.5rem}.legend span{margin-right:1rem}
.sw-accepted{color:#2e7d32}.sw-rejected{color:#c62828}.sw-dead{color:#555}
form.inline{display:inline}
)";

}  // namespace reghub::dashboard
