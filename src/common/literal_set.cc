// literal_set.cc - one-pass phrase search with Hyperscan or RE2.
#include "common/literal_set.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>
#include <utility>

#include "common/blob_cache.h"
#include "common/hs_scratch.h"
#include "common/strutil.h"

namespace bounced {

namespace {
// Each set keeps a file under one prefix: room for every set of two builds.
constexpr std::size_t kCachedSets = 24;

std::mutex cache_dir_mutex;
std::string& cache_dir_setting() {
  static std::string dir;
  return dir;
}

RE2::Options options() {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_encoding(RE2::Options::EncodingLatin1);  // bytes: mail text need not be UTF-8
  return o;
}
}  // namespace

struct LiteralSet::Impl {
  // RE2's automata, built on first need: always without Hyperscan, else only when a
  // scan cannot run (compiling them for nothing cost 0.26 ms per set at start-up).
  std::vector<std::string> phrases;
  mutable std::once_flag re2_once;
  mutable std::unique_ptr<re2::RE2> any;       // (p1|p2|...) for earliest()
  mutable std::unique_ptr<re2::RE2::Set> set;  // every phrase, for first_listed() in one pass

  const Impl& re2() const {
    std::call_once(re2_once, [this] {
      std::string alternation = "(?:";
      set = std::make_unique<RE2::Set>(options(), RE2::UNANCHORED);
      for (std::size_t i = 0; i < phrases.size(); ++i) {
        const std::string quoted = RE2::QuoteMeta(phrases[i]);
        alternation += (i ? "|" : "") + quoted;
        set->Add(quoted, nullptr);  // index i: phrases are quoted, so RE2 takes each
      }
      alternation += ")";
      any = std::make_unique<RE2>(alternation, options());
      set->Compile();
    });
    return *this;
  }
#ifdef BOUNCED_HAVE_HYPERSCAN
  hs_database_t* db = nullptr;
  ScratchPool scratch;
  std::vector<std::size_t> lengths;  // phrase index -> length
  std::size_t longest = 0;

  ~Impl() {
    if (db) hs_free_database(db);
  }

  bool setup(const std::vector<std::string_view>& phrases) {
    if (phrases.empty() || phrases.size() > INT_MAX) return false;
    std::vector<const char*> exprs;
    std::vector<std::size_t> lens;
    std::vector<unsigned> flags(phrases.size(), HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH), ids;
    for (std::size_t i = 0; i < phrases.size(); ++i) {
      // Hyperscan folds ASCII letters only; RE2 in Latin-1 also folds letters beyond
      // ASCII. For ASCII phrases the two agree (no character beyond ASCII folds to an
      // ASCII letter within Latin-1).
      if (phrases[i].empty() || !is_ascii(phrases[i])) return false;
      exprs.push_back(phrases[i].data());
      lens.push_back(phrases[i].size());
      ids.push_back(static_cast<unsigned>(i));
    }
    // Compiling costs more than reading a few messages (14M instructions for the
    // largest set), so the database is kept in the cache directory when there is one.
    const std::string dir = literal_cache_dir();
    std::uint64_t key = 0;
    if (!dir.empty()) {
      std::string key_text = std::string("bounced-literals-1\n") + hs_version() + "\n";
      for (const auto p : phrases) {
        key_text += p;
        key_text.push_back('\0');
      }
      key = fnv1a64(key_text);
      const auto blob = cache_read(dir, "literals", key, std::size_t{64} << 20);
      if (blob && hs_deserialize_database(blob->data(), blob->size(), &db) != HS_SUCCESS)
        db = nullptr;
      if (db && !scratch.init(db)) {  // not for this machine: compiled again below
        hs_free_database(db);
        db = nullptr;
      }
    }
    if (!db) {
      hs_compile_error_t* err = nullptr;
      if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                               static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                               &err) != HS_SUCCESS) {
        hs_free_compile_error(err);
        db = nullptr;
        return false;
      }
      if (!scratch.init(db)) {
        hs_free_database(db);
        db = nullptr;
        return false;
      }
      char* bytes = nullptr;
      std::size_t size = 0;
      if (!dir.empty() && hs_serialize_database(db, &bytes, &size) == HS_SUCCESS) {
        cache_write(dir, "literals", key, std::string_view(bytes, size), kCachedSets);
        std::free(bytes);
      }
    }
    lengths = std::move(lens);
    longest = *std::max_element(lengths.begin(), lengths.end());
    return true;
  }

  struct Earliest {
    const Impl* self;
    std::size_t best = std::string_view::npos;
  };
  // Matches come in the order of their end; once an end lies a longest phrase past
  // the best start, no later match can start before it.
  static int on_earliest(unsigned id, unsigned long long, unsigned long long to, unsigned,
                         void* ctx) {
    auto* e = static_cast<Earliest*>(ctx);
    const std::size_t start = static_cast<std::size_t>(to) - e->self->lengths[id];
    e->best = std::min(e->best, start);
    return static_cast<std::size_t>(to) >= e->best + e->self->longest ? 1 : 0;
  }
  static int on_listed(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
    int& first = *static_cast<int*>(ctx);
    if (first < 0 || static_cast<int>(id) < first) first = static_cast<int>(id);
    return first == 0 ? 1 : 0;  // the first listed: nothing can come before it
  }

  // False when Hyperscan could not run (the caller uses RE2 then).
  bool scan(std::string_view text, match_event_handler on, void* ctx) const {
    if (!db || text.size() > UINT_MAX / 2) return false;
    const ScratchLease lease(scratch);
    if (!lease.get()) return false;
    const hs_error_t rc =
        hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, lease.get(), on, ctx);
    return rc == HS_SUCCESS || rc == HS_SCAN_TERMINATED;
  }
#endif
};

void set_literal_cache_dir(std::string dir) {
  const std::lock_guard<std::mutex> lock(cache_dir_mutex);
  cache_dir_setting() = std::move(dir);
}

std::string literal_cache_dir() {
  const std::lock_guard<std::mutex> lock(cache_dir_mutex);
  return cache_dir_setting();
}

LiteralSet::LiteralSet(const std::vector<std::string_view>& phrases, bool hyperscan)
    : impl_(std::make_unique<Impl>()) {
  impl_->phrases.assign(phrases.begin(), phrases.end());
#ifdef BOUNCED_HAVE_HYPERSCAN
  if (hyperscan && hs_valid_platform() == HS_SUCCESS && impl_->setup(phrases)) return;
#else
  (void)hyperscan;
#endif
  impl_->re2();
}

LiteralSet::~LiteralSet() = default;

std::size_t LiteralSet::earliest(std::string_view text) const {
#ifdef BOUNCED_HAVE_HYPERSCAN
  Impl::Earliest e{impl_.get()};
  if (impl_->scan(text, Impl::on_earliest, &e)) return e.best;
#endif
  // Only the whole match ($0) is asked for: RE2 finds its bounds with the forward and
  // reverse DFAs, without a capture engine pass over the text.
  re2::StringPiece in(text.data(), text.size()), hit;
  if (!impl_->re2().any->Match(in, 0, in.size(), RE2::UNANCHORED, &hit, 1))
    return std::string_view::npos;
  return static_cast<std::size_t>(hit.data() - text.data());
}

int LiteralSet::first_listed(std::string_view text) const {
#ifdef BOUNCED_HAVE_HYPERSCAN
  int first = -1;
  if (impl_->scan(text, Impl::on_listed, &first)) return first;
#endif
  // One pass finds every phrase that occurs; the first listed of them wins.
  std::vector<int> found;
  if (!impl_->re2().set->Match(re2::StringPiece(text.data(), text.size()), &found) || found.empty())
    return -1;
  return *std::min_element(found.begin(), found.end());
}

const char* LiteralSet::engine() const {
#ifdef BOUNCED_HAVE_HYPERSCAN
  if (impl_->db) return "hyperscan";
#endif
  return "re2";
}

}  // namespace bounced
