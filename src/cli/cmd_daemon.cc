// cmd_daemon.cc - bouncectl commands that talk to the daemon: ingest, status,
// activity, unsuppress, stats, export, history.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/client.h"
#include "cli/commands.h"
#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "ingest/sources.h"

namespace bounced::cli {

namespace {

constexpr int kExitTempFail = 75;
constexpr int kExitUnavailable = 69;

struct Common {
  std::string socket;
  bool json = false;
  std::vector<std::string> rest;
};

bool parse_common(const std::vector<std::string>& args, Common& c, std::string& error) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--socket" && i + 1 < args.size()) c.socket = args[++i];
    else if (a.starts_with("--socket=")) c.socket = a.substr(9);
    else if (a == "--json") c.json = true;
    else if (a.size() > 1 && a[0] == '-' && a != "-") {
      error = "unknown option '" + a + "'";
      return false;
    } else c.rest.push_back(a);
  }
  return true;
}

// Sends one request; prints errors; returns the JSON after "OK " or nullopt-like empty + rc.
int request(const Common& c, const std::string& line, const std::string& payload, std::string& json) {
  Client client;
  std::string error, reply;
  if (!client.connect(socket_path(c.socket), error) || !client.call(line, payload, reply, error)) {
    std::cerr << "bouncectl: " << error << "\n";
    return kExitUnavailable;
  }
  if (reply.starts_with("OK ")) {
    json = reply.substr(3);
    return 0;
  }
  std::cerr << "bouncectl: bounced answered: " << reply << "\n";
  return reply.starts_with("ERR denied") ? 77 : (reply.starts_with("ERR usage") ? kExitUsage : kExitTempFail);
}

// Splits a JSON array of flat objects into the objects' texts (our own replies only).
std::vector<std::string> split_objects(const std::string& arr) {
  std::vector<std::string> out;
  int depth = 0;
  bool in_str = false, esc = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    char ch = arr[i];
    if (in_str) {
      if (esc) esc = false;
      else if (ch == '\\') esc = true;
      else if (ch == '"') in_str = false;
      continue;
    }
    if (ch == '"') in_str = true;
    else if (ch == '{') {
      if (depth++ == 0) start = i;
    } else if (ch == '}') {
      if (--depth == 0) out.push_back(arr.substr(start, i - start + 1));
    }
  }
  return out;
}

// Reads one string or number field of a flat JSON object (our own replies only).
std::string field(const std::string& obj, const std::string& name) {
  std::string key = "\"" + name + "\":";
  std::size_t p = obj.find(key);
  if (p == std::string::npos) return {};
  p += key.size();
  if (p < obj.size() && obj[p] == '"') {
    std::string out;
    for (std::size_t i = p + 1; i < obj.size(); ++i) {
      if (obj[i] == '\\' && i + 1 < obj.size()) {
        char n = obj[++i];
        out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      } else if (obj[i] == '"') {
        break;
      } else {
        out.push_back(obj[i]);
      }
    }
    return out;
  }
  std::size_t e = obj.find_first_of(",}", p);
  return obj.substr(p, e - p);
}

std::string status_text(const std::string& o) {
  const std::string state = field(o, "state");
  std::ostringstream line;
  line << field(o, "address") << ": " << state;
  if (state == "soft")
    line << " " << field(o, "soft_count") << "/" << field(o, "threshold") << " (" << field(o, "reason") << ")";
  else if (state == "hard")
    line << " since " << field(o, "since") << " (" << field(o, "reason") << ", " << field(o, "cause") << ")";
  else
    line << " (" << field(o, "soft_count") << "/" << field(o, "threshold") << ")";
  return line.str();
}

int cmd_ingest(const Common& c) {
  std::string data, error;
  if (!read_file(c.rest.empty() ? "-" : c.rest[0], data, error, limits::kMaxMessageBytes)) {
    std::cerr << "bouncectl: cannot read " << error << "\n";
    return kExitTempFail;
  }
  if (data.empty()) {
    std::cerr << "bouncectl: empty message on standard input; nothing to ingest\n";
    return 0;
  }
  Client client;
  std::string reply;
  if (!client.connect(socket_path(c.socket), error) ||
      !client.call("INGEST " + std::to_string(data.size()), data, reply, error)) {
    std::cerr << "bouncectl: " << error << " (the MTA keeps the message and retries)\n";
    return kExitTempFail;
  }
  if (!reply.starts_with("OK ")) {
    std::cerr << "bouncectl: bounced did not commit: " << reply << " (the MTA keeps the message and retries)\n";
    return kExitTempFail;
  }
  return 0;
}

int cmd_status(const Common& c) {
  if (c.rest.empty()) {
    std::cerr << "usage: bouncectl status [--json] [--socket PATH] ADDRESS...\n";
    return kExitUsage;
  }
  int rc = 0;
  for (std::size_t i = 0; i < c.rest.size(); i += 1000) {
    std::string line = "STATUS";
    for (std::size_t j = i; j < c.rest.size() && j < i + 1000; ++j) {
      std::string a = normalize_address(c.rest[j]);
      if (a.empty()) {
        std::cerr << "bouncectl: not an address: " << c.rest[j] << "\n";
        return kExitUsage;
      }
      line += " " + a;
    }
    std::string json;
    if ((rc = request(c, line, "", json)) != 0) return rc;
    for (const auto& o : split_objects(json)) std::cout << (c.json ? o : status_text(o)) << "\n";
  }
  return 0;
}

int cmd_list(const Common& c, const std::string& verb) {
  std::string json;
  std::string line = verb;
  for (const auto& a : c.rest) line += " " + a;
  int rc = request(c, line, "", json);
  if (rc != 0) return rc;
  if (json.starts_with("[")) {
    for (const auto& o : split_objects(json)) std::cout << o << "\n";
  } else {
    std::cout << json << "\n";
  }
  return 0;
}

// Records subscriber activity: addresses given, and/or one per line from a file.
int cmd_activity(const std::vector<std::string>& args) {
  std::vector<std::string> rest, addrs;
  std::string import;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--import" && i + 1 < args.size()) import = args[++i];
    else rest.push_back(args[i]);
  }
  Common c;
  std::string error;
  if (!parse_common(rest, c, error)) {
    std::cerr << "bouncectl activity: " << error << "\n";
    return kExitUsage;
  }
  addrs = c.rest;
  if (!import.empty()) {
    std::string data;
    if (!read_file(import, data, error, 1u << 30)) {
      std::cerr << "bouncectl: cannot read " << error << "\n";
      return kExitNoInput;
    }
    for (auto line : split_lines(data)) {
      std::string_view t = trim(line);
      if (!t.empty() && t.front() != '#') addrs.emplace_back(t);
    }
  }
  if (addrs.empty()) {
    std::cerr << "usage: bouncectl activity [--socket PATH] [--import FILE] [ADDRESS...]\n";
    return kExitUsage;
  }
  std::size_t recorded = 0, skipped = 0;
  for (std::size_t i = 0; i < addrs.size(); i += 1000) {
    std::string line = "ACTIVITY";
    std::size_t n = 0;
    for (std::size_t j = i; j < addrs.size() && j < i + 1000; ++j) {
      std::string a = normalize_address(addrs[j]);
      if (a.empty()) {
        std::cerr << "bouncectl: skipping, not an address: " << addrs[j].substr(0, 200) << "\n";
        ++skipped;
        continue;
      }
      line += " " + a;
      ++n;
    }
    if (n == 0) continue;
    std::string json;
    if (int rc = request(c, line, "", json); rc != 0) return rc;
    recorded += n;
  }
  std::cout << "activity recorded for " << recorded << " address(es)" << (skipped ? ", " + std::to_string(skipped) + " skipped" : "") << "\n";
  return 0;
}

int cmd_export(const std::vector<std::string>& args) {
  Common c;
  std::string state = "hard", format = "json", error;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--state" && i + 1 < args.size()) state = args[++i];
    else if (args[i] == "--format" && i + 1 < args.size()) format = args[++i];
    else rest.push_back(args[i]);
  }
  if (!parse_common(rest, c, error) || (format != "json" && format != "csv") || (state != "hard" && state != "soft")) {
    std::cerr << "usage: bouncectl export [--state hard|soft] [--format csv|json] [--socket PATH]\n";
    return kExitUsage;
  }
  std::string json;
  int rc = request(c, "EXPORT " + state, "", json);
  if (rc != 0) return rc;
  if (format == "csv") std::cout << "address,state,reason,since,cause,soft_count\n";
  for (const auto& o : split_objects(json)) {
    if (format == "json") {
      std::cout << o << "\n";
    } else {
      std::string addr = field(o, "address");
      bool quote = addr.find_first_of(",\"") != std::string::npos;
      if (quote) {
        std::string q;
        for (char ch : addr) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        addr = "\"" + q + "\"";
      }
      std::cout << addr << "," << field(o, "state") << "," << field(o, "reason") << "," << field(o, "since")
                << "," << field(o, "cause") << "," << field(o, "soft_count") << "\n";
    }
  }
  return 0;
}

}  // namespace

int cmd_daemon(const std::string& cmd, const std::vector<std::string>& args) {
  if (cmd == "export") return cmd_export(args);
  if (cmd == "activity") return cmd_activity(args);
  Common c;
  std::string error;
  if (!parse_common(args, c, error)) {
    std::cerr << "bouncectl " << cmd << ": " << error << "\n";
    return kExitUsage;
  }
  if (cmd == "ingest") return cmd_ingest(c);
  if (cmd == "status") return cmd_status(c);
  if (cmd == "stats") return cmd_list(c, "STATS");
  if (cmd == "ping") return cmd_list(c, "PING");
  if (cmd == "reload") return cmd_list(c, "RELOAD");
  if (cmd == "history" || cmd == "unsuppress") {
    if (c.rest.size() != 1) {
      std::cerr << "usage: bouncectl " << cmd << " [--socket PATH] ADDRESS\n";
      return kExitUsage;
    }
    return cmd_list(c, cmd == "history" ? "HISTORY" : "UNSUPPRESS");
  }
  std::cerr << "bouncectl: unknown command '" << cmd << "'\n";
  return kExitUsage;
}

}  // namespace bounced::cli
