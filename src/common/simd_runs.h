// simd_runs.h - copying text sixteen bytes a step up to the first byte that needs work
// (SSE2, part of every x86-64; elsewhere the callers' byte loops do all of it).
#pragma once
#include <cstddef>

#if defined(__SSE2__)
#include <emmintrin.h>

namespace bounced {

// Copies in[i, n) to w sixteen bytes a step while flagged(block, its start) has no bit
// set, and at the first block with a bit set the bytes before the first flagged one;
// i and w advance past what was copied. Returns true when it stopped at a flagged
// byte (then at i), false when fewer than 16 + lookahead bytes were left (lookahead:
// how far past its block flagged reads). Each step stores a whole block at w, so w
// must never be ahead of i in a buffer as long as the input.
template <class Flagged>
inline bool copy_unflagged(const char* in, std::size_t n, std::size_t& i, char*& w, std::size_t lookahead,
                           Flagged flagged) {
  while (i + 16 + lookahead <= n) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    const auto bits = static_cast<unsigned>(flagged(x, in + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), x);
    const std::size_t plain = bits ? static_cast<std::size_t>(__builtin_ctz(bits)) : 16;
    w += plain;
    i += plain;
    if (bits) return true;
  }
  return false;
}

}  // namespace bounced
#endif
