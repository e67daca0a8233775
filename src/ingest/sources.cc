// sources.cc - message files, stdin, mbox files and Maildir folders.
#include "ingest/sources.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <vector>

#include "common/limits.h"

namespace bounced {

namespace fs = std::filesystem;

namespace {

// Reads an open file (st: its fstat) into buf from its start, up to max bytes, and
// sets len to the length read (buf may be left longer than that: its size is only
// room). A regular file is read up to its size, so one read call usually does; room
// that buf already has is not filled again (no zeroing of a reused buffer).
bool read_fd(int fd, const struct stat& st, const std::string& path, std::string& buf,
             std::size_t max, std::size_t& len, std::string& error) {
  const bool regular = S_ISREG(st.st_mode);
  const auto known = regular ? std::min(static_cast<std::size_t>(st.st_size), max) : 0;
  const std::size_t want = regular ? known : std::min<std::size_t>(65536, max + 1);
  if (buf.size() < want) buf.resize(want);
  len = 0;
  for (;;) {
    if (regular && len == known) break;
    if (len == buf.size()) {
      if (len >= max) break;
      buf.resize(std::min(std::max<std::size_t>(buf.size() * 2, 65536), max + 1));
    }
    const std::size_t room = regular ? known - len : buf.size() - len;
    const ssize_t n = ::read(fd, buf.data() + len, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = path + ": " + std::strerror(errno);
      return false;
    }
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  len = std::min(len, max);
  return true;
}

}  // namespace

bool read_file(const std::string& path, std::string& out, std::string& error, std::size_t max) {
  out.clear();
  if (path == "-") {
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
      out.append(buf, static_cast<std::size_t>(std::cin.gcount()));
      if (out.size() > max) {
        out.resize(max);
        break;
      }
    }
    return true;
  }
  // One open, fstat and read into the string (no stream, no zeroed bounce buffer):
  // reading many small files is dominated by these calls.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  std::size_t len = 0;
  struct stat st {};
  if (::fstat(fd, &st) != 0) st.st_mode = 0;  // read as a stream
  const bool ok = read_fd(fd, st, path, out, max, len, error);
  ::close(fd);
  out.resize(ok ? len : 0);
  return ok;
}

namespace {

// Offsets where mbox messages start: "From " at the start of the file or after a blank line.
std::vector<std::size_t> mbox_starts(std::string_view data) {
  std::vector<std::size_t> starts;
  if (!data.starts_with("From ")) return starts;
  starts.push_back(0);
  std::size_t pos = 0;
  while ((pos = data.find("\nFrom ", pos)) != std::string_view::npos) {
    std::size_t at = pos + 1;
    bool blank_before = pos >= 1 && (data[pos - 1] == '\n' || (data[pos - 1] == '\r' && pos >= 2 && data[pos - 2] == '\n'));
    // An mbox separator line ends with a date-like tail; require a digit in it.
    std::size_t eol = data.find('\n', at);
    std::string_view line = data.substr(at, eol == std::string_view::npos ? std::string_view::npos : eol - at);
    bool has_digit = std::any_of(line.begin(), line.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (blank_before && has_digit) starts.push_back(at);
    pos = at;
  }
  return starts;
}

// A Maildir folder: the entries of cur/ and new/, in name order.
bool for_each_in_maildir(const std::string& path,
                         const std::function<void(const std::string&, std::string_view)>& fn,
                         std::string& error) {
  std::error_code ec;
  std::vector<fs::path> entries;
  bool maildir = false;
  for (const char* sub : {"cur", "new"}) {
    fs::path d = fs::path(path) / sub;
    if (!fs::is_directory(d, ec)) continue;
    maildir = true;
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.is_regular_file(ec) && e.path().filename().string()[0] != '.')
        entries.push_back(e.path());
  }
  if (!maildir) {
    error = path + ": a folder that is not a Maildir (no cur/ or new/)";
    return false;
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    std::string data, err;
    if (!read_file(p.string(), data, err, limits::kMaxMessageBytes)) {
      std::cerr << "bouncectl: " << err << "\n";
      continue;
    }
    fn(p.string(), data);
  }
  return true;
}

}  // namespace

bool for_each_message(const std::string& path,
                      const std::function<void(const std::string&, std::string_view)>& fn,
                      std::string& error) {
  std::string own;                // stdin, or a file too big to keep its room for the next one
  thread_local std::string room;  // a file's bytes, reused from file to file
  std::string* data = &own;
  std::size_t len = 0;
  if (path == "-") {
    if (!read_file(path, own, error, limits::kMaxMessageBytes * 4)) return false;
    len = own.size();
  } else {
    // One open and one fstat tell a folder from a file and size the read: four
    // system calls per message file, which dominate reading many small ones.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error = path + ": " + std::strerror(errno);
      return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) st.st_mode = 0;  // read as a stream
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return for_each_in_maildir(path, fn, error);
    }
    constexpr std::size_t kKeptRoom = std::size_t{1} << 20;
    if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) <= kKeptRoom) data = &room;
    const bool ok = read_fd(fd, st, path, *data, limits::kMaxMessageBytes * 4, len, error);
    ::close(fd);
    if (!ok) return false;
  }
  const std::string_view bytes(data->data(), len);
  std::vector<std::size_t> starts = mbox_starts(bytes);
  if (starts.size() <= 1) {
    fn(path, bytes);
    return true;
  }
  for (std::size_t i = 0; i < starts.size(); ++i) {
    std::size_t end = i + 1 < starts.size() ? starts[i + 1] : bytes.size();
    fn(path + "#" + std::to_string(i + 1), bytes.substr(starts[i], end - starts[i]));
  }
  return true;
}

}  // namespace bounced
