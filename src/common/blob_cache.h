// blob_cache.h - a directory of files named by a key: compiled pattern databases kept
// between runs. A cache only: every failure reads as a miss, and a write that cannot
// be done is skipped.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bounced {

// FNV-1a, 64 bits: a stable key for what a cached file was made from.
inline constexpr std::uint64_t kFnvOffsetBasis = 14695981039346656037ull;
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed = kFnvOffsetBasis);

// Numbers in cached bytes: four bytes, little-endian. read_u32 needs at + 4 <= s.size().
void append_u32(std::string& out, std::uint32_t v);
std::uint32_t read_u32(std::string_view s, std::size_t at);

// What this process runs, for keys of what it derived from its inputs: the program
// and each shared library loaded, by path, device, inode, size and modification time
// (a new build or an upgraded library changes it).
std::string build_identity();

// Reads dir/<prefix>-<key in hex>-v<format>.bin when it exists, is a regular file of this user
// that no one else may write, is at most max_bytes long, was written for the same key
// and is whole (its checksum holds).
std::optional<std::string> cache_read(const std::string& dir, std::string_view prefix,
                                      std::uint64_t key, std::size_t max_bytes);

// Writes the file atomically (a temporary file renamed into place), creating dir
// (mode 0700) when needed, and removes all but the newest `keep` files of the prefix.
// Returns false when it could not be written.
bool cache_write(const std::string& dir, std::string_view prefix, std::uint64_t key,
                 std::string_view bytes, std::size_t keep = 4);

}  // namespace bounced
