// date.cc - a lenient RFC 5322 date reader (obsolete forms and zone names included).
#include "common/date.h"

#include <utility>

#include "common/strutil.h"

namespace bounced {

namespace {
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// 0-11 for a token that starts with a month's three-letter name, in any case; else -1.
int month_index(std::string_view m) {
  if (m.size() < 3) return -1;
  static constexpr std::string_view names = "janfebmaraprmayjunjulaugsepoctnovdec";
  const char a = lower(m[0]), b = lower(m[1]), c = lower(m[2]);
  for (int i = 0; i < 12; ++i)
    if (names[3 * i] == a && names[3 * i + 1] == b && names[3 * i + 2] == c) return i;
  return -1;
}

int zone_minutes(std::string_view z, bool& ok) {
  ok = true;
  if (z.size() == 5 && (z[0] == '+' || z[0] == '-')) {
    int v = 0;
    for (int i = 1; i < 5; ++i) {
      if (!is_digit(z[i])) {
        ok = false;
        return 0;
      }
      v = v * 10 + (z[i] - '0');
    }
    int m = (v / 100) * 60 + v % 100;
    return z[0] == '-' ? -m : m;
  }
  static constexpr std::pair<std::string_view, int> names[] = {
      {"UT", 0},     {"UTC", 0},    {"GMT", 0},    {"Z", 0},      {"EST", -300}, {"EDT", -240},
      {"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420},
      {"JST", 540},  {"CET", 60},   {"CEST", 120}, {"BST", 60}};
  if (z.size() <= 4)
    for (auto [n, m] : names)
      if (iequals(z, n)) return m;
  ok = false;
  return 0;
}

// "HH:MM" or "HH:MM:SS" (sscanf-like leniency: digits up to the first non-digit).
bool parse_clock(std::string_view tok, int& hh, int& mm, int& ss) {
  int v[3] = {0, 0, 0};
  int n = 0;
  std::size_t i = 0;
  while (n < 3) {
    std::size_t b = i;
    int x = 0;
    while (i < tok.size() && i - b < 4 && is_digit(tok[i])) x = x * 10 + (tok[i++] - '0');
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

void put2(char* at, int v) {
  at[0] = static_cast<char>('0' + v / 10 % 10);
  at[1] = static_cast<char>('0' + v % 10);
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (the civil-date
// algorithms of H. Hinnant): what timegm and gmtime_r compute, without their
// normalizing loops and time zone state.
long long days_from_civil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civil_from_days(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<long long>(yoe) + era * 400 + (m <= 2);
}
}  // namespace

std::string rfc5322_to_iso(std::string_view date) {
  std::string_view d = trim(date);
  if (std::size_t semi = d.find(';'); semi != std::string_view::npos) d = trim(d.substr(semi + 1));
  if (std::size_t paren = d.find('('); paren != std::string_view::npos)
    d = trim(d.substr(0, paren));
  int day = -1, mon = -1, year = -1, hh = -1, mm = 0, ss = 0, zone = 0;
  auto separator = [](char c) { return c == ' ' || c == ',' || c == '\t'; };
  for (std::size_t i = 0; i < d.size();) {
    while (i < d.size() && separator(d[i])) ++i;
    const std::size_t b = i;
    while (i < d.size() && !separator(d[i])) ++i;
    if (i == b) continue;
    const std::string_view tok = d.substr(b, i - b);
    if (hh < 0 && tok.find(':') != std::string_view::npos) {
      if (!parse_clock(tok, hh, mm, ss)) hh = -1;
      continue;
    }
    if (mon < 0) {
      if (const int m = month_index(tok); m >= 0) {  // a month name is never all digits
        mon = m;
        continue;
      }
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
  // The day may pass its month's end ("31 Feb") and the seconds reach 60: both carry
  // over, as with timegm.
  const long long seconds =
      (days_from_civil(year, static_cast<unsigned>(mon + 1), 1) + day - 1) * 86400 + hh * 3600 +
      mm * 60 + ss - static_cast<long long>(zone) * 60;
  const long long days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  const auto of_day = static_cast<int>(seconds - days * 86400);
  long long y = 0;
  unsigned m = 0, md = 0;
  civil_from_days(days, y, m, md);
  if (y < 0 || y > 9999) return {};
  std::string iso = "0000-00-00T00:00:00Z";
  put2(&iso[0], static_cast<int>(y / 100));
  put2(&iso[2], static_cast<int>(y % 100));
  put2(&iso[5], static_cast<int>(m));
  put2(&iso[8], static_cast<int>(md));
  put2(&iso[11], of_day / 3600);
  put2(&iso[14], of_day / 60 % 60);
  put2(&iso[17], of_day % 60);
  return iso;
}

}  // namespace bounced
