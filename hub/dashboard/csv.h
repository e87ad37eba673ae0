#pragma once
// A table as a Danish Excel opens it: UTF-8 with a byte-order mark (else
// Excel reads it as Windows-1252), ';' between fields (',' is the decimal
// separator here), CRLF line ends, a field quoted when it holds ';', '"' or
// a line break. A cell starting with = + - @ is prefixed with ' so Excel
// does not run it as a formula. Pure.
#include <string>

#include "hub/dashboard/table.h"

namespace reghub::dashboard {

std::string toCsv(const Table& table);

}  // namespace reghub::dashboard
