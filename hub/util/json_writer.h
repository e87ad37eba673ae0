#pragma once
// Minimal streaming helpers for writing JSON text (diagnostic lines, status
// output). Escapes per RFC 8259; input is assumed to be valid UTF-8.
#include <string>
#include <string_view>

namespace reghub::util {

// Appends `s` as a JSON string literal (with quotes) to `out`.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace reghub::util
