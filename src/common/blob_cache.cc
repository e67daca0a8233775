// blob_cache.cc - keyed files in a cache directory, written atomically.
#include "common/blob_cache.h"

#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace bounced {

namespace {

// The file: this line, the key and a checksum of the rest (8 bytes each, little-endian),
// then the bytes cached. (Version 1 summed a byte at a time: 9 million instructions
// for the 1 MB pattern database at every start.)
constexpr std::string_view kMagic = "bounced-cache-2\n";

constexpr std::uint64_t kFnvPrime = 1099511628211ull;

// FNV-1a's step over eight bytes at a time (in this machine's byte order: the files
// are read where they were written). Each step is a bijection of the running value,
// so any change confined to one word always changes the sum.
std::uint64_t checksum(std::string_view bytes) {
  std::uint64_t h = kFnvOffsetBasis ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h = (h ^ w) * kFnvPrime;
  }
  for (; i < bytes.size(); ++i) h = (h ^ static_cast<unsigned char>(bytes[i])) * kFnvPrime;
  return h;
}

// The format's version is in the name too: builds of two versions that share a cache
// (an upgrade while a daemon of the old one runs) keep a file each instead of
// overwriting each other's at every start.
std::string file_name(std::string_view prefix, std::uint64_t key) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(key));
  return std::string(prefix) + "-" + hex + "-v2.bin";
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string header(std::uint64_t key, std::string_view bytes) {
  std::string h(kMagic);
  put_u64(h, key);
  put_u64(h, checksum(bytes));
  return h;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Keeps the newest `keep` files of the prefix (by modification time).
void prune(const std::string& dir, std::string_view prefix, std::size_t keep) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(std::string(prefix) + "-") || !name.ends_with(".bin")) continue;
    const auto t = fs::last_write_time(e.path(), ec);
    if (!ec) files.emplace_back(t, e.path());
  }
  if (files.size() <= keep) return;
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t i = keep; i < files.size(); ++i) fs::remove(files[i].second, ec);
}

}  // namespace

void append_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t read_u32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

std::string build_identity() {
  std::string out;
  auto add = [&out](const char* path) {
    struct stat st {};
    if (::stat(path, &st) != 0) return;
    out += path;
    out += ' ' + std::to_string(st.st_dev) + ' ' + std::to_string(st.st_ino) + ' ' +
           std::to_string(st.st_size) + ' ' + std::to_string(st.st_mtim.tv_sec) + '.' +
           std::to_string(st.st_mtim.tv_nsec) + '\n';
  };
  add("/proc/self/exe");
  ::dl_iterate_phdr(
      [](struct dl_phdr_info* info, std::size_t, void* add_one) {
        if (info->dlpi_name && info->dlpi_name[0] == '/')
          (*static_cast<decltype(add)*>(add_one))(info->dlpi_name);
        return 0;
      },
      &add);
  return out;
}

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}

std::optional<std::string> cache_read(const std::string& dir, std::string_view prefix,
                                      std::uint64_t key, std::size_t max_bytes) {
  if (dir.empty()) return std::nullopt;
  const std::string path = dir + "/" + file_name(prefix, key);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  std::string data;
  const std::size_t head = kMagic.size() + 16;
  // Only a file of our own that no one else may write: what it holds is run as code
  // by the pattern engine.
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
      (st.st_mode & 022) == 0 && static_cast<std::size_t>(st.st_size) >= head &&
      static_cast<std::size_t>(st.st_size) <= max_bytes + head) {
    data.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < data.size()) {
      const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got != data.size()) data.clear();
  }
  ::close(fd);
  if (data.size() < head) return std::nullopt;
  std::string bytes = data.substr(head);
  if (data.compare(0, head, header(key, bytes)) != 0) return std::nullopt;  // other key, or damaged
  return bytes;
}

bool cache_write(const std::string& dir, std::string_view prefix, std::uint64_t key,
                 std::string_view bytes, std::size_t keep) {
  if (dir.empty()) return false;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return false;
    ::chmod(dir.c_str(), 0700);
  }
  std::string tmp = dir + "/." + std::string(prefix) + "-XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // mode 0600
  if (fd < 0) return false;
  const bool ok = write_all(fd, header(key, bytes)) && write_all(fd, bytes);
  if (::close(fd) != 0 || !ok ||
      std::rename(tmp.c_str(), (dir + "/" + file_name(prefix, key)).c_str()) != 0) {
    ::unlink(tmp.c_str());
    return false;
  }
  prune(dir, prefix, keep);
  return true;
}

}  // namespace bounced
