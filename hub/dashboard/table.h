#pragma once
// One table of the dashboard as plain values: the same table is rendered as
// HTML (html.h) and exported as CSV (csv.h), so the page and the file always
// agree. Every cell is masked on the way in (ten-digit runs → ddmm**-****):
// no CPR number can reach a page or a file through a table. Pure values.
#include <string>
#include <vector>

namespace reghub::dashboard {

struct Cell {
  std::string text;
  std::string link;  // a dashboard URL (already encoded), or empty
  bool number = false;
  std::string style;  // a CSS class of the style sheet ("lys-roed"), or empty
};

struct Table {
  std::string name;  // file name of its CSV, without ".csv"
  std::vector<std::string> headers;
  std::vector<std::vector<Cell>> rows;

  void add(std::vector<Cell> row);
};

Cell text(std::string value, std::string link = {});
Cell number(int64_t value, std::string link = {});
// "2026-11-22" and "2026-11-22 02:15:00" (UTC) from milliseconds since the epoch.
std::string isoDate(int64_t millis);
std::string isoDateTime(int64_t millis);

}  // namespace reghub::dashboard
