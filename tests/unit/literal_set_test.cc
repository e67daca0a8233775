#include "common/literal_set.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "classify/pattern_matcher.h"
#include "temp_dir.h"

using namespace bounced;

namespace {
const std::vector<std::string_view> kPhrases = {
    "copy of the message", "the message", "Original", "abcdef", "cde", "x"};
}  // namespace

TEST_CASE("literal set: leftmost occurrence and first listed phrase") {
  for (bool hyperscan : {false, true}) {
    CAPTURE(hyperscan);
    const LiteralSet s(kPhrases, hyperscan);
    constexpr auto npos = std::string_view::npos;
    CHECK(s.earliest("") == npos);
    CHECK(s.first_listed("") == -1);
    CHECK(s.earliest("nothing here") == npos);
    CHECK(s.earliest("a COPY OF THE MESSAGE follows") == 2);  // case-insensitive
    CHECK(s.first_listed("a COPY OF THE MESSAGE follows") == 0);
    // "abcdef" starts before "cde" although it ends after it.
    CHECK(s.earliest("zzabcdefzz") == 2);
    CHECK(s.earliest("zzabcdezz") == 4);  // "cde" alone
    CHECK(s.first_listed("the message, then the Original, then x") == 1);
    CHECK(s.first_listed("x then original") == 2);
    CHECK(s.earliest(std::string("\0\xff x", 4)) == 3);  // any bytes
  }
}

TEST_CASE("literal set: Hyperscan and RE2 agree; non-ASCII phrases stay with RE2") {
  const LiteralSet fast(kPhrases, true), exact(kPhrases, false);
  CHECK(std::string(exact.engine()) == "re2");
  const std::string texts[] = {
      "---- copy of the message ----",    "abcde abcdef", "CDE", "\xc3\xa9x", "the messag",
      std::string(5000, 'a') + "Original"};
  for (const auto& t : texts) {
    CAPTURE(t);
    CHECK(fast.earliest(t) == exact.earliest(t));
    CHECK(fast.first_listed(t) == exact.first_listed(t));
  }
  const LiteralSet accented({"d\xc3\xa9j\xc3\xa0", "plain"}, true);
  CHECK(std::string(accented.engine()) == "re2");
  CHECK(accented.earliest("xx d\xc3\xa9j\xc3\xa0") == 3);
}

TEST_CASE("literal set: the compiled database is kept in the cache directory and read back") {
  if (!hyperscan_available()) return;
  TempDir dir;
  set_literal_cache_dir(dir.path);
  auto cached_files = [&] {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir.path)) files.push_back(e.path());
    return files;
  };
  auto inode = [](const std::filesystem::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
  };
  auto same_answers = [](const LiteralSet& s) {
    CHECK(std::string(s.engine()) == "hyperscan");
    CHECK(s.earliest("zzabcdefzz") == 2);
    CHECK(s.first_listed("x then original") == 2);
  };
  {
    const LiteralSet first(kPhrases);
    same_answers(first);
  }
  const auto files = cached_files();
  REQUIRE(files.size() == 1);
  CHECK(files[0].filename().string().starts_with("literals-"));
  const auto written = inode(files[0]);
  {
    const LiteralSet second(kPhrases);  // read back: the file is not written again
    same_answers(second);
    CHECK(inode(files[0]) == written);
  }
  {
    const LiteralSet other({"something else"});  // another list: a file of its own
    CHECK(other.earliest("and something else") == 4);
    CHECK(cached_files().size() == 2);
  }
  {
    std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(files[0]) / 2));
    f.write("garbage!", 8);
  }
  {
    const LiteralSet damaged(kPhrases);  // a miss: compiled again, and kept again
    same_answers(damaged);
    CHECK(inode(files[0]) != written);
  }
  set_literal_cache_dir("/proc/no-such-dir/cache");
  const LiteralSet nowhere(kPhrases);  // a cache that cannot be written costs the compile
  same_answers(nowhere);
  set_literal_cache_dir("");
}
