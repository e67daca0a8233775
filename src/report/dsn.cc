// dsn.cc - RFC 3464 delivery-status field reader.
#include "report/dsn.h"

#include <cctype>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "mime/encoded_word.h"
#include "mime/header_list.h"
#include "report/codes.h"

namespace bounced {

void split_typed_value(std::string_view value, std::string& type, std::string& text) {
  std::string_view v = trim(value);
  std::size_t semi = v.find(';');
  if (semi != std::string_view::npos && semi <= 24 && v.substr(0, semi).find(' ') == std::string_view::npos) {
    type = std::string(trim(v.substr(0, semi)));
    for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    text = std::string(trim(v.substr(semi + 1)));
  } else {
    type.clear();
    text = std::string(v);
  }
}

namespace {

struct Block {
  HeaderList fields;
};

// Splits the body into blocks at blank lines; each block is a header list.
std::vector<Block> read_blocks(std::string_view text) {
  std::vector<Block> blocks;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == '\n' || text[pos] == ' ' || text[pos] == '\t')) {
      // skip blank lines (and whitespace-only lines)
      std::size_t nl = text.find('\n', pos);
      std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
      if (!trim(line).empty()) break;
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    if (pos >= text.size()) break;
    Block b;
    std::size_t used = parse_header_block(text.substr(pos), b.fields);
    if (used == 0) {
      // Not a header line: skip it.
      std::size_t nl = text.find('\n', pos);
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
      continue;
    }
    pos += used;
    if (!b.fields.empty()) blocks.push_back(std::move(b));
  }
  return blocks;
}

bool is_recipient_field(std::string_view name) {
  return iequals(name, "Final-Recipient") || iequals(name, "Original-Recipient") ||
         iequals(name, "X-Actual-Recipient");
}

}  // namespace

std::size_t parse_delivery_status(std::string_view text, Report& report) {
  std::size_t added = 0;
  for (const auto& block : read_blocks(text)) {
    RecipientFacts r;
    bool have_final = false, have_original = false, any = false;
    // Fields seen after Final-Recipient: an Original-Recipient after them opens the
    // next recipient. (Action may come before Final-Recipient, as Amazon SES writes.)
    bool progressed = false;
    auto flush = [&] {
      if (any && (!r.recipient.empty() || !r.original_recipient.empty())) {
        if (r.recipient.empty()) r.recipient = r.original_recipient;
        if (report.recipients.size() < limits::kMaxRecipients) {
          report.recipients.push_back(std::move(r));
          ++added;
        }
      }
      r = RecipientFacts{};
      have_final = have_original = any = progressed = false;
    };
    for (const auto& f : block.fields.fields()) {
      const std::string& n = f.name;
      std::string_view v = f.value;
      if (is_recipient_field(n)) {
        bool is_final = iequals(n, "Final-Recipient");
        bool is_orig = iequals(n, "Original-Recipient");
        if ((is_final && have_final) || (is_orig && (have_original || (have_final && progressed))))
          flush();
        std::string type, text_value;
        split_typed_value(v, type, text_value);
        std::string addr = normalize_address(decode_encoded_words(text_value));
        if (is_final) {
          r.recipient = addr;
          have_final = true;
          progressed = false;
        } else if (is_orig) {
          r.original_recipient = addr;
          have_original = true;
        } else {
          // X-Actual-Recipient: a pipe ("|/usr/bin/procmail ...") means a program was
          // the destination; say so, since the failure is the mailer's.
          std::string_view tv = trim(text_value);
          if (!tv.empty() && tv.front() == '|' && r.diagnostic.empty())
            r.diagnostic = "pipe to " + std::string(tv.substr(0, 200));
          if (r.recipient.empty()) r.recipient = addr;
        }
        any = true;
      } else if (iequals(n, "Action")) {
        std::string a = to_lower(trim(v));
        if (std::size_t sp = a.find_first_of(" ("); sp != std::string::npos) a.resize(sp);
        r.action = a;
        any = true;
        progressed = have_final;
      } else if (iequals(n, "Status")) {
        r.status = clean_status(v);
        any = true;
        progressed = have_final;
      } else if (iequals(n, "Remote-MTA")) {
        std::string type;
        split_typed_value(v, type, r.remote_mta);
        any = true;
      } else if (iequals(n, "Diagnostic-Code")) {
        std::string text_value;
        split_typed_value(v, r.diagnostic_type, text_value);
        r.diagnostic = squeeze_spaces(text_value);
        any = true;
        progressed = have_final;
      } else if (iequals(n, "Last-Attempt-Date")) {
        r.last_attempt = std::string(v);
      } else if (iequals(n, "Will-Retry-Until")) {
        r.will_retry_until = std::string(v);
      } else if (iequals(n, "Reporting-MTA")) {
        std::string type;
        split_typed_value(v, type, report.reporting_mta);
      } else if (iequals(n, "Received-From-MTA")) {
        std::string type;
        split_typed_value(v, type, report.received_from_mta);
      } else if (iequals(n, "Arrival-Date")) {
        report.arrival_date = std::string(v);
      } else if (iequals(n, "X-Postfix-Queue-ID") || iequals(n, "X-Queue-ID")) {
        report.queue_id = std::string(trim(v));
      } else if (iequals(n, "X-Postfix-Sender") || iequals(n, "X-Original-Message-ID")) {
        if (iequals(n, "X-Original-Message-ID") && report.message_id.empty())
          report.message_id = std::string(trim(v));
      }
    }
    flush();
  }
  return added;
}

}  // namespace bounced
