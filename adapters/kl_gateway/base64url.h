#pragma once
// base64url without padding (RFC 4648 §5, RFC 7515 §2): the encoding of JWS
// parts, the client assertion's `kid` and the subject token sent to the
// token endpoint. Pure functions, thread-safe, no I/O.
#include <optional>
#include <string>
#include <string_view>

namespace reghub::kl_gateway {

std::string base64UrlEncode(std::string_view bytes);
// nullopt when `text` holds a character outside the alphabet or has an
// impossible length; padding ('=') is accepted and ignored.
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace reghub::kl_gateway
