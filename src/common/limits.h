// limits.h - every size and depth limit applied to outside input, in one place.
#pragma once
#include <cstddef>

namespace bounced::limits {

// Largest message read; the rest is dropped and the message is read as truncated.
inline constexpr std::size_t kMaxMessageBytes = 64u << 20;
// MIME entities (multipart boundaries and message/* parts) read per message; past
// this, the message is read up to that point. Bounds the MIME walk's recursion.
inline constexpr std::size_t kMaxMimeEntities = 256;
// Bytes of one header section handed to the MIME parser.
inline constexpr std::size_t kMaxHeaderBytes = 1u << 20;
// Decoded text kept per part for the format readers.
inline constexpr std::size_t kMaxPartText = 16u << 20;
// Recipients reported per message.
inline constexpr std::size_t kMaxRecipients = 100000;
// Length of a diagnostic text kept per recipient.
inline constexpr std::size_t kMaxDiagnostic = 4096;
// Length of an address.
inline constexpr std::size_t kMaxAddress = 512;
// A bounce that came back inside another notice (message/rfc822 of a mailer's
// notice that reports nothing itself) is re-read; this many levels at most.
inline constexpr int kMaxNestedReports = 2;

}  // namespace bounced::limits
