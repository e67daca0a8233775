// limits.h - every size and depth limit applied to outside input, in one place.
#pragma once
#include <cstddef>

namespace bounced::limits {

// Largest message read; the rest is dropped and the message is read as truncated.
inline constexpr std::size_t kMaxMessageBytes = 64u << 20;
// MIME entities (multipart boundaries and message/* parts) read per message; past
// this, the message is read up to that point. Bounds the MIME walk's recursion.
inline constexpr std::size_t kMaxMimeEntities = 256;
// Header lines (fields and their continuation lines) read per message, all header
// sections together; past this, the message is read up to that point. Each field
// costs the MIME parser about a hundred bytes beyond its text: 2 million one-letter
// fields took 490 MB.
inline constexpr std::size_t kMaxHeaderLines = 10000;
// Bytes of one header field (its first line and continuation lines) handed to the
// MIME parser; the rest of the field is cut. mimetic grows its field buffers 128 bytes
// at a time, copying them whole: a 4 MB field took 3 s, a 60 MB one would take many
// minutes. 256 KiB costs it about 30 ms; real fields are a few KiB.
inline constexpr std::size_t kMaxHeaderFieldBytes = 256u << 10;
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
