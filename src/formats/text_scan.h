// text_scan.h - helpers that plain-text format readers share.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "report/record.h"

namespace bounced {

// The part of body from the first start marker (or the beginning when none is
// given) up to the first end marker after it. Markers match case-insensitively.
// Returns an empty view when a start marker was given and none was found.
std::string_view text_between(std::string_view body, std::initializer_list<std::string_view> starts,
                              std::initializer_list<std::string_view> ends);

// Cuts body before the usual "here is a copy of your message" lines.
std::string_view cut_original(std::string_view body);

// True when a notice says that it is only a warning: delivery is still being retried
// (Postfix "THIS IS A WARNING ONLY", Sendmail and Exchange "THIS IS A WARNING MESSAGE
// ONLY", Exim "has not yet been delivered ... Delivery attempts will continue").
bool says_warning_only(std::string_view text);

// True when the address belongs to a mailer (postmaster, MAILER-DAEMON, ...).
bool is_mailer_address(std::string_view addr);

// True when any needle occurs in hay (case-insensitive).
bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles);

// Reads the common "address line, then indented diagnostic lines" layout:
// every line that holds an address starts a recipient (unless it is a mailer's
// address); the lines after it up to a blank line (or the next address line) are its
// diagnostic. Appends to report; returns how many recipients were added.
std::size_t read_address_blocks(std::string_view region, Report& report, bool only_line_start);

// Finds the host in "host mx.example.com[192.0.2.1] said:" and similar phrases.
std::string find_remote_host(std::string_view diagnostic);

// Adds r to report unless a recipient with the same address is there; then merges
// missing fields into it. Returns the stored recipient.
RecipientFacts& add_or_merge(Report& report, RecipientFacts r);

}  // namespace bounced

namespace bounced {

// Joins the lines of a (possibly multi-line) SMTP reply into one text: the first
// line is kept whole; on later lines a repeated "550-5.7.1 " / "550 5.7.1 " prefix
// with the same reply code is dropped. Lines are trimmed; empty ones are skipped.
std::string join_reply_lines(const std::vector<std::string_view>& lines);

// True when the bounce's From or Subject says it is a delivery failure report
// (a mailer's sender, or one of the usual subjects).
bool looks_like_bounce(std::string_view from, std::string_view subject);

// The lines of region, trimmed of trailing spaces (no copies).
std::vector<std::string_view> region_lines(std::string_view region);

}  // namespace bounced
