// literal_set.cc - one-pass phrase search with RE2.
#include "common/literal_set.h"

#include <re2/re2.h>

#include <algorithm>
#include <string>

namespace bounced {

namespace {
RE2::Options options() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_encoding(RE2::Options::EncodingLatin1);  // bytes: mail text need not be UTF-8
  return o;
}
}  // namespace

LiteralSet::LiteralSet(const std::vector<std::string_view>& phrases) {
  std::string alternation = "(?:";
  set_ = std::make_unique<RE2::Set>(options(), RE2::UNANCHORED);
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    const std::string quoted = RE2::QuoteMeta(re2::StringPiece(phrases[i].data(), phrases[i].size()));
    alternation += (i ? "|" : "") + quoted;
    set_->Add(quoted, nullptr);  // index i: phrases are quoted, so RE2 takes each
  }
  alternation += ")";
  any_ = std::make_unique<RE2>(alternation, options());
  set_->Compile();
}

LiteralSet::~LiteralSet() = default;

std::size_t LiteralSet::earliest(std::string_view text) const {
  // Only the whole match ($0) is asked for: RE2 finds its bounds with the forward and
  // reverse DFAs, without a capture engine pass over the text.
  re2::StringPiece in(text.data(), text.size()), hit;
  if (!any_->Match(in, 0, in.size(), RE2::UNANCHORED, &hit, 1)) return std::string_view::npos;
  return static_cast<std::size_t>(hit.data() - text.data());
}

int LiteralSet::first_listed(std::string_view text) const {
  // One pass finds every phrase that occurs; the first listed of them wins.
  std::vector<int> found;
  if (!set_->Match(re2::StringPiece(text.data(), text.size()), &found) || found.empty()) return -1;
  return *std::min_element(found.begin(), found.end());
}

}  // namespace bounced
