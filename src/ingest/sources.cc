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
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  const auto known = regular ? static_cast<std::size_t>(st.st_size) : 0;
  out.resize(regular ? std::min(known, max) : std::min<std::size_t>(65536, max + 1));
  std::size_t len = 0;
  for (;;) {
    if (len == out.size()) {
      if (len >= max || (regular && len == known)) break;
      out.resize(std::min(std::max<std::size_t>(out.size() * 2, 65536), max + 1));
    }
    const ssize_t n = ::read(fd, out.data() + len, out.size() - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = path + ": " + std::strerror(errno);
      ::close(fd);
      out.clear();
      return false;
    }
    if (n == 0) break;
    len += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(std::min(len, max));
  return true;
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

}  // namespace

bool for_each_message(const std::string& path,
                      const std::function<void(const std::string&, std::string_view)>& fn,
                      std::string& error) {
  std::error_code ec;
  if (path != "-" && fs::is_directory(path, ec)) {
    std::vector<fs::path> entries;
    bool maildir = false;
    for (const char* sub : {"cur", "new"}) {
      fs::path d = fs::path(path) / sub;
      if (!fs::is_directory(d, ec)) continue;
      maildir = true;
      for (const auto& e : fs::directory_iterator(d, ec))
        if (e.is_regular_file(ec) && e.path().filename().string()[0] != '.') entries.push_back(e.path());
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
  std::string data;
  if (!read_file(path, data, error, limits::kMaxMessageBytes * 4)) return false;
  std::vector<std::size_t> starts = mbox_starts(data);
  if (starts.size() <= 1) {
    fn(path, data);
    return true;
  }
  for (std::size_t i = 0; i < starts.size(); ++i) {
    std::size_t end = i + 1 < starts.size() ? starts[i + 1] : data.size();
    fn(path + "#" + std::to_string(i + 1), std::string_view(data).substr(starts[i], end - starts[i]));
  }
  return true;
}

}  // namespace bounced
