// strutil.cc - small string helpers shared by every stage.
#include "common/strutil.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/simd_runs.h"

namespace bounced {

namespace {
inline char lower_char(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_char(c);
  return out;
}

bool iequals_n(const char* a, const char* b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (lower_char(a[i]) != lower_char(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

namespace {

// How common a byte is in mail text, roughly (lower is rarer): the anchors of a
// case-insensitive search are the needle's two rarest bytes, so that few false
// candidates are compared whole. Spaces, '-', '=' and the common letters are frequent in
// bounces; digits and rare letters are not.
constexpr std::array<unsigned char, 256> make_commonness() {
  constexpr std::string_view kByFrequency = " e-taoinsrhldcum=pfgywb.v,:kx/<>@jqz";
  std::array<unsigned char, 256> t{};
  for (std::size_t i = 0; i < kByFrequency.size(); ++i) {
    const auto rank = static_cast<unsigned char>(i == 0 ? 100 : 100 - i);
    const auto c = static_cast<unsigned char>(kByFrequency[i]);
    t[c] = rank;
    if (c >= 'a' && c <= 'z') t[c - 32] = rank;
  }
  return t;
}
constexpr std::array<unsigned char, 256> kCommonness = make_commonness();

int commonness(char c) { return kCommonness[static_cast<unsigned char>(c)]; }

struct Anchors {
  std::size_t k1 = 0, k2 = 0;
};

// The offsets of a needle's two rarest bytes within its first 32. Most needles are
// literals searched for again and again (a reader's markers, in every message), and
// choosing costs more than searching a header value or a line, so the choice is
// remembered per needle address and length. Any two offsets below the length give
// the same result (they only filter candidates), so a stale entry for an address
// that now holds other bytes of the same length is still correct.
Anchors anchors(std::string_view needle) {
  struct Entry {
    const char* data = nullptr;
    std::size_t size = 0;
    Anchors anchors;
  };
  thread_local std::array<Entry, 128> cache;
  const auto key = reinterpret_cast<std::uintptr_t>(needle.data()) ^ needle.size();
  Entry& e = cache[(key * 0x9E3779B97F4A7C15ULL) >> 57];
  if (e.data == needle.data() && e.size == needle.size()) return e.anchors;
  Anchors a;
  for (std::size_t i = 1; i < needle.size() && i < 32; ++i) {
    const int c = commonness(needle[i]);
    if (c < commonness(needle[a.k1])) {
      a.k2 = a.k1;
      a.k1 = i;
    } else if (a.k2 == a.k1 || c < commonness(needle[a.k2])) {
      a.k2 = i;
    }
  }
  e = {needle.data(), needle.size(), a};
  return a;
}

}  // namespace

bool is_ascii(std::string_view s) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t i = 0;
#if defined(__SSE2__)
  // 64 bytes a step: their high bits gathered, tested once.
  for (; i + 64 <= s.size(); i += 64) {
    auto at = [&](std::size_t k) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i + k)); };
    if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(at(0), at(16)), _mm_or_si128(at(32), at(48)))) != 0)
      return false;
  }
#endif
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if ((w & kHigh) != 0) return false;
  }
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return false;
  return true;
}

std::size_t count_byte(std::string_view s, char c) {
  std::size_t n = 0, i = 0;
#if defined(__SSE2__)
  const __m128i want = _mm_set1_epi8(c);
  while (i + 16 <= s.size()) {
    // Each lane counts its matches (a match is -1, subtracted) for up to 255 steps;
    // then the lanes are summed.
    __m128i lanes = _mm_setzero_si128();
    const std::size_t steps = std::min<std::size_t>(255, (s.size() - i) / 16);
    for (std::size_t k = 0; k < steps; ++k, i += 16)
      lanes = _mm_sub_epi8(
          lanes,
          _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i)), want));
    const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());  // two 64-bit halves
    n += static_cast<std::size_t>(_mm_cvtsi128_si32(sums)) +
         static_cast<std::size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  for (; i < s.size(); ++i) n += s[i] == c;
  return n;
}

std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  const std::size_t n = hay.size(), m = needle.size();
  if (n < m || from > n - m) return std::string_view::npos;
  // Candidates are the starts where the needle's two rarest bytes (the anchors)
  // match in either case; each is then compared whole.
  const Anchors a = anchors(needle);
  const std::size_t k1 = a.k1, k2 = a.k2;
  const char* base = hay.data();
  const std::size_t last = n - m;  // last possible start
  auto matches_at = [&](std::size_t p) {
    for (std::size_t j = 0; j < m; ++j)
      if (lower_char(base[p + j]) != lower_char(needle[j])) return false;
    return true;
  };
  const char a1 = lower_char(needle[k1]);
  std::size_t i = from;
#if defined(__SSE2__)
  if (last >= 3) {
    // 16 starts a step: a letter anchor matches its byte with bit 5 set (0x41 and
    // 0x61 are the only bytes that give 0x61 so); any other anchor matches exactly.
    const char a2 = lower_char(needle[k2]);
    auto is_letter = [](char c) { return c >= 'a' && c <= 'z'; };
    const __m128i fold1 = _mm_set1_epi8(is_letter(a1) ? 0x20 : 0);
    const __m128i fold2 = _mm_set1_epi8(is_letter(a2) ? 0x20 : 0);
    const __m128i want1 = _mm_set1_epi8(a1), want2 = _mm_set1_epi8(a2);
    auto candidates = [&](const char* at) {  // bit b: the start at + b has both anchors
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + k1));
      const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + k2));
      return static_cast<unsigned>(
          _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(x, fold1), want1),
                                          _mm_cmpeq_epi8(_mm_or_si128(y, fold2), want2))));
    };
    auto first_match = [&](std::size_t at, unsigned mask) {  // of the candidates at + b
      for (; mask != 0; mask &= mask - 1) {
        const std::size_t p = at + static_cast<std::size_t>(__builtin_ctz(mask));
        if (matches_at(p)) return p;
      }
      return std::string_view::npos;
    };
    if (last < 15) {
      // Fewer than 16 starts (a header value, a line): one step over a copy with
      // zeros after the text, where only the starts up to the last one count.
      alignas(16) char pad[48] = {};
      std::memcpy(pad, base, std::min(n, sizeof pad));
      return first_match(0, candidates(pad) & (0xFFFFu >> (15 - last)) & (0xFFFFu << from));
    }
    // Two steps at a time while the text lasts: one test for both (most have no
    // candidate at all).
    for (; i + 31 <= last; i += 32) {
      const unsigned lo = candidates(base + i), hi = candidates(base + i + 16);
      if ((lo | hi) == 0) continue;
      if (const std::size_t p = first_match(i, lo); p != std::string_view::npos) return p;
      if (const std::size_t p = first_match(i + 16, hi); p != std::string_view::npos) return p;
    }
    for (; i + 15 <= last; i += 16)
      if (const std::size_t p = first_match(i, candidates(base + i)); p != std::string_view::npos)
        return p;
    if (i > last) return std::string_view::npos;
    // The last starts: one more step ending at the last start, without the starts
    // the loop above has already tried.
    const std::size_t at = last - 15;
    return first_match(at, candidates(base + at) & (0xFFFFu << (i - at)));
  }
#endif
  for (; i <= last; ++i)
    if (lower_char(base[i + k1]) == a1 && matches_at(i)) return i;
  return std::string_view::npos;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string squeeze_spaces(std::string_view s) {
  // The result is never longer than the input: write through a pointer into a buffer
  // of that size (a push_back per byte checked the capacity each time).
  const std::string_view t = trim(s);
  std::string out(t.size(), '\0');
  char* w = out.data();
  bool space = false;
  std::size_t i = 0;
  while (i < t.size()) {
#if defined(__SSE2__)
    // Outside a space run, text is copied as it is while no byte is white space other
    // than ' ' and no ' ' has white space after it (t is trimmed: a ' ' has a byte
    // after it; w never passes i).
    if (!space) {
      copy_unflagged(t.data(), t.size(), i, w, 1, [](__m128i x, const char* at) {
        auto other = [](__m128i v) {  // \t \n \v \f \r: 9 to 13
          return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(8)),
                               _mm_cmplt_epi8(v, _mm_set1_epi8(14)));
        };
        const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at + 1));
        const __m128i blank = _mm_set1_epi8(' ');
        const __m128i y_white = _mm_or_si128(other(y), _mm_cmpeq_epi8(y, blank));
        return _mm_movemask_epi8(
            _mm_or_si128(other(x), _mm_and_si128(_mm_cmpeq_epi8(x, blank), y_white)));
      });
      if (i == t.size()) break;
    }
#endif
    const char c = t[i++];
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space) *w++ = ' ';  // t is trimmed: a space run always has text before it
    space = false;
    *w++ = c;
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
  return out;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c == 0) {
      ++i;
      continue;
    }
    if (c < 0x80) {
      // A run of ASCII without NUL, copied whole: eight bytes a step while no byte
      // has its high bit set and none is zero (a byte below 0x80 minus one borrows
      // into its high bit only when it is zero).
      std::size_t j = i + 1;
      for (std::uint64_t w; j + 8 <= n; j += 8) {
        std::memcpy(&w, p + j, 8);
        if (((w | (w - 0x0101010101010101ULL)) & 0x8080808080808080ULL) != 0) break;
      }
      while (j < n && p[j] != 0 && p[j] < 0x80) ++j;
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      else cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok) {
      // Reject overlong forms, surrogates and out-of-range code points.
      if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        ok = false;
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

std::string normalize_newlines(std::string_view s) {
  // Most mail has no CR at all (LF files, mbox): one memchr, one copy.
  const char* cr = static_cast<const char*>(std::memchr(s.data(), '\r', s.size()));
  if (!cr) return std::string(s);
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const void* hit = std::memchr(s.data() + i, '\r', s.size() - i);
    const std::size_t at = hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - s.data()) : s.size();
    out.append(s.data() + i, at - i);
    if (at == s.size()) break;
    out.push_back('\n');  // CR LF and a bare CR both end a line
    i = at + 1;
    if (i < s.size() && s[i] == '\n') ++i;
  }
  return out;
}

}  // namespace bounced
