// sources.cc - message files, stdin, mbox files and Maildir folders.
#include "ingest/sources.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  std::vector<char> buf(1 << 16);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    out.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    if (out.size() > max) {
      out.resize(max);
      break;
    }
  }
  if (in.bad()) {
    error = path + ": read error";
    return false;
  }
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
