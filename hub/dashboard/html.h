#pragma once
// The dashboard's HTML, rendered on the server: one page layout (title,
// navigation, sign-out form with the CSRF token), tables, and escaping.
// No script anywhere; the only style sheet is /dashboard/style.css. Every
// value is escaped here. Pure.
#include <string>

#include "hub/dashboard/table.h"

namespace reghub::dashboard {

// & < > " ' escaped.
std::string escape(const std::string& text);

struct PageUser {
  std::string name, csrf;  // empty name: nobody signed in (the sign-in page)
};

std::string page(const std::string& title, const PageUser& user, const std::string& body);
// The table with a link to its CSV (`csvUrl`, empty: none) above it; an
// empty table says so in Danish rather than vanishing.
std::string tableHtml(const Table& table, const std::string& csvUrl, const std::string& emptyText);
// A hidden input with the CSRF token, for every POST form.
std::string csrfField(const std::string& csrf);

extern const char* const kStyleSheet;

}  // namespace reghub::dashboard
