// test_random.h - the tests' generator of inputs: the same sequence on every machine.
#pragma once
#include <cstdint>

// Called with a bound: a number below it (a linear congruential step).
struct TestRandom {
  std::uint32_t seed;
  std::uint32_t operator()(std::uint32_t bound) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % bound;
  }
};
