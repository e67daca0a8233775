// date.cc - a lenient RFC 5322 date reader (obsolete forms and zone names included).
#include "common/date.h"

#include <cctype>
#include <ctime>
#include <vector>

#include "common/strutil.h"

namespace bounced {

namespace {
int month_index(std::string_view m) {
  static const char* names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < 12; ++i)
    if (istarts_with(m, names[i])) return i;
  return -1;
}

int zone_minutes(std::string_view z, bool& ok) {
  ok = true;
  if (z.size() == 5 && (z[0] == '+' || z[0] == '-')) {
    int v = 0;
    for (int i = 1; i < 5; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(z[i]))) { ok = false; return 0; }
      v = v * 10 + (z[i] - '0');
    }
    int m = (v / 100) * 60 + v % 100;
    return z[0] == '-' ? -m : m;
  }
  static const std::pair<const char*, int> names[] = {
      {"UT", 0}, {"UTC", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -300}, {"EDT", -240}, {"CST", -360},
      {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420}, {"JST", 540},
      {"CET", 60}, {"CEST", 120}, {"BST", 60}};
  for (auto [n, m] : names)
    if (iequals(z, n)) return m;
  ok = false;
  return 0;
}

std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '\t')) ++i;
    std::size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != ',' && s[i] != '\t') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
  return out;
}

// "HH:MM" or "HH:MM:SS" (sscanf-like leniency: digits up to the first non-digit).
bool parse_clock(std::string_view tok, int& hh, int& mm, int& ss) {
  int v[3] = {0, 0, 0};
  int n = 0;
  std::size_t i = 0;
  while (n < 3) {
    std::size_t b = i;
    int x = 0;
    while (i < tok.size() && i - b < 4 && std::isdigit(static_cast<unsigned char>(tok[i]))) x = x * 10 + (tok[i++] - '0');
    if (i == b) break;
    v[n++] = x;
    if (i >= tok.size() || tok[i] != ':') break;
    ++i;
  }
  if (n < 2) return false;
  hh = v[0];
  mm = v[1];
  ss = v[2];
  return true;
}

void put2(std::string& out, int v) {
  out.push_back(static_cast<char>('0' + v / 10 % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}
}  // namespace

std::string rfc5322_to_iso(std::string_view date) {
  std::string_view d = trim(date);
  if (std::size_t semi = d.find(';'); semi != std::string_view::npos) d = trim(d.substr(semi + 1));
  if (std::size_t paren = d.find('('); paren != std::string_view::npos) d = trim(d.substr(0, paren));
  auto t = tokens(d);
  int day = -1, mon = -1, year = -1, hh = -1, mm = 0, ss = 0, zone = 0;
  for (auto tok : t) {
    if (tok.find(':') != std::string_view::npos && hh < 0) {
      if (!parse_clock(tok, hh, mm, ss)) hh = -1;
      continue;
    }
    if (mon < 0 && month_index(tok) >= 0 && !all_digits(tok)) {
      mon = month_index(tok);
      continue;
    }
    if (all_digits(tok)) {
      int v = 0;
      for (char c : tok.substr(0, 6)) v = v * 10 + (c - '0');
      if (day < 0 && tok.size() <= 2) day = v;
      else if (year < 0 && tok.size() >= 2) year = tok.size() == 2 ? (v < 50 ? 2000 + v : 1900 + v) : v;
      continue;
    }
    bool ok = false;
    int z = zone_minutes(tok, ok);
    if (ok) zone = z;
  }
  if (day < 1 || day > 31 || mon < 0 || year < 1970 || year > 9999 || hh < 0 || hh > 23 || mm < 0 ||
      mm > 59 || ss < 0 || ss > 60)
    return {};
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  std::time_t t0 = timegm(&tm) - static_cast<std::time_t>(zone) * 60;
  std::tm out{};
  gmtime_r(&t0, &out);
  const int y = out.tm_year + 1900;
  if (y < 0 || y > 9999) return {};
  std::string iso;
  iso.reserve(20);
  put2(iso, y / 100);
  put2(iso, y % 100);
  iso.push_back('-');
  put2(iso, out.tm_mon + 1);
  iso.push_back('-');
  put2(iso, out.tm_mday);
  iso.push_back('T');
  put2(iso, out.tm_hour);
  iso.push_back(':');
  put2(iso, out.tm_min);
  iso.push_back(':');
  put2(iso, out.tm_sec);
  iso.push_back('Z');
  return iso;
}

}  // namespace bounced
