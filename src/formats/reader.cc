// reader.cc - the format reader registry.
#include "formats/reader.h"

#include <algorithm>

namespace bounced {

namespace {
std::vector<std::unique_ptr<FormatReader>>& registry() {
  static std::vector<std::unique_ptr<FormatReader>> all;
  return all;
}
bool& sorted() {
  static bool s = false;
  return s;
}
}  // namespace

void register_reader(std::unique_ptr<FormatReader> reader) {
  registry().push_back(std::move(reader));
  sorted() = false;
}

const std::vector<std::unique_ptr<FormatReader>>& readers() {
  if (!sorted()) {
    std::stable_sort(registry().begin(), registry().end(), [](const auto& a, const auto& b) {
      if (a->order() != b->order()) return a->order() < b->order();
      return a->name() < b->name();
    });
    sorted() = true;
  }
  return registry();
}

}  // namespace bounced
