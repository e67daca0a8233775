// The socket protocol's replies (schemas/replies.md): exact bytes of the status
// answer, the one most asked for.
#include "server/replies.h"

#include <doctest/doctest.h>

#include "server/protocol.h"

using namespace bounced;

TEST_CASE("replies: status objects, escaped where the text needs it") {
  AddressStatus hard;
  hard.address = "\"a b\\c\"@example.org";
  hard.state = AddressState::kHard;
  hard.threshold = 7;
  hard.reason = "userunknown";
  hard.since = 1'800'000'000;
  hard.cause = "hard-bounce";
  AddressStatus soft;
  soft.address = "s@example.org";
  soft.state = AddressState::kSoft;
  soft.soft_count = 3;
  soft.threshold = 15;
  soft.reason = "mailboxfull";
  soft.activity = true;
  CHECK(ok_reply(status_array_json({hard, soft})) ==
        "OK [{\"address\":\"\\\"a "
        "b\\\\c\\\"@example.org\",\"state\":\"hard\",\"soft_count\":0,\"threshold\":7,"
        "\"reason\":\"userunknown\",\"since\":\"2027-01-15T08:00:00Z\",\"cause\":\"hard-bounce\","
        "\"activity\":false},"
        "{\"address\":\"s@example.org\",\"state\":\"soft\",\"soft_count\":3,\"threshold\":15,"
        "\"reason\":\"mailboxfull\","
        "\"since\":\"\",\"cause\":\"\",\"activity\":true}]\n");
  CHECK(ok_reply(status_array_json({})) == "OK []\n");
}
