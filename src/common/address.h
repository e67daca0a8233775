// address.h - mail address extraction and normalisation.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace bounced {

// Normalises an address as found in a report: strips "rfc822;" style type prefixes,
// angle brackets, quotes around the whole, "mailto:", trailing dots; lower-cases the
// domain (the local part is kept as written). Returns empty when it is no address.
std::string normalize_address(std::string_view raw);

// Every address-looking token (local@domain.tld) in text, in order, normalised.
std::vector<std::string> find_addresses(std::string_view text);

// The first address in text, or empty.
std::string first_address(std::string_view text);

// True when a From header names a mail system rather than a person (MAILER-DAEMON,
// postmaster, "Mail Delivery System"/"Mail Delivery Subsystem", ...).
bool from_mailer(std::string_view from);

// Decodes a VERP envelope address such as "bounces+user=example.com@lists.example.org"
// with the given prefix ("bounces") and delimiter ('+'): returns "user@example.com",
// or empty when the address does not have that shape.
std::string decode_verp(std::string_view envelope, std::string_view prefix, char delimiter);

}  // namespace bounced
