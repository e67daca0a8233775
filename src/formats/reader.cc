// reader.cc - the format reader registry.
#include "formats/reader.h"

#include <algorithm>

namespace bounced {

namespace {
std::vector<std::unique_ptr<FormatReader>>& registry() {
  static std::vector<std::unique_ptr<FormatReader>> all;
  return all;
}
}  // namespace

// Readers register themselves during static initialisation, before main.
void register_reader(std::unique_ptr<FormatReader> reader) { registry().push_back(std::move(reader)); }

const std::vector<std::unique_ptr<FormatReader>>& readers() {
  // Sorted once, on first use; a function-local static is initialised exactly once
  // even when parser threads (the daemon's I/O threads) get here together.
  static const bool sorted = [] {
    std::stable_sort(registry().begin(), registry().end(), [](const auto& a, const auto& b) {
      if (a->order() != b->order()) return a->order() < b->order();
      return a->name() < b->name();
    });
    return true;
  }();
  (void)sorted;
  return registry();
}

}  // namespace bounced
