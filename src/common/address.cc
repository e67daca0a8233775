// address.cc - mail address extraction and normalisation.
#include "common/address.h"

#include <cctype>

#include "common/limits.h"
#include "common/strutil.h"

namespace bounced {

namespace {
bool local_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || u >= 0x80 || std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}
bool domain_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || u >= 0x80 || c == '-' || c == '.' || c == '_';
}
}  // namespace

std::string normalize_address(std::string_view raw) {
  std::string_view s = trim(raw);
  if (std::size_t semi = s.find(';'); semi != std::string_view::npos && semi < 16 &&
                                      s.substr(0, semi).find('@') == std::string_view::npos)
    s = trim(s.substr(semi + 1));
  if (istarts_with(s, "mailto:")) s.remove_prefix(7);
  if (std::size_t lt = s.find('<'); lt != std::string_view::npos) {
    std::size_t gt = s.find('>', lt);
    std::string_view inner = s.substr(lt + 1, gt == std::string_view::npos ? gt : gt - lt - 1);
    if (inner.find('@') != std::string_view::npos) s = inner;
  }
  s = trim(s);
  while (!s.empty() && (s.front() == '"' || s.front() == '\'' || s.front() == '<' || s.front() == '(' || s.front() == '['))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == '.' || s.back() == '>' || s.back() == '"' || s.back() == '\'' ||
                        s.back() == ',' || s.back() == ')' || s.back() == ']' || s.back() == ':' || s.back() == ';'))
    s.remove_suffix(1);
  std::size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return {};
  if (s.size() > limits::kMaxAddress) return {};
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '<' || c == '>' || c == ',') return {};
  for (char c : domain)
    if (!domain_char(c) && c != '[' && c != ']' && c != ':') return {};
  return std::string(local) + "@" + to_lower(domain);
}

std::vector<std::string> find_addresses(std::string_view t) {
  std::vector<std::string> out;
  for (std::size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    std::size_t b = at;
    while (b > 0 && local_char(t[b - 1]) && at - b < 256) --b;
    std::size_t e = at + 1;
    while (e < t.size() && domain_char(t[e]) && e - at < 256) ++e;
    std::string_view local = t.substr(b, at - b);
    std::string_view domain = t.substr(at + 1, e - at - 1);
    while (!local.empty() && local.front() == '.') local.remove_prefix(1);
    while (!domain.empty() && (domain.back() == '.' || domain.back() == '-')) domain.remove_suffix(1);
    if (local.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.') continue;
    std::string addr = std::string(local) + "@" + to_lower(domain);
    out.push_back(std::move(addr));
  }
  return out;
}

std::string first_address(std::string_view text) {
  auto all = find_addresses(text);
  return all.empty() ? std::string() : all.front();
}

std::string decode_verp(std::string_view envelope, std::string_view prefix, char delimiter) {
  std::string addr = normalize_address(envelope);
  std::size_t at = addr.rfind('@');
  if (at == std::string::npos) return {};
  std::string_view local = std::string_view(addr).substr(0, at);
  if (local.size() <= prefix.size() + 1 || !istarts_with(local, prefix) ||
      local[prefix.size()] != delimiter)
    return {};
  std::string_view encoded = local.substr(prefix.size() + 1);
  std::size_t eq = encoded.rfind('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 >= encoded.size()) return {};
  return normalize_address(std::string(encoded.substr(0, eq)) + "@" + std::string(encoded.substr(eq + 1)));
}

bool from_mailer(std::string_view from) {
  for (std::string_view who : {"mailer-daemon", "postmaster", "mail delivery", "mail-daemon", "mailerdaemon",
                               "post_master", "mail.delivery"})
    if (icontains(from, who)) return true;
  return false;
}

}  // namespace bounced
