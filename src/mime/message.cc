// message.cc - the depth-limited MIME walk over mimetic's entity tree.
#include "mime/message.h"

#include <mimetic/mimetic.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <utility>
#include <vector>

#include "common/address.h"
#include "common/limits.h"
#include "common/strutil.h"
#include "mime/charset.h"
#include "mime/encoded_word.h"
#include "mime/top_header.h"

// mimetic descends into every message/rfc822 part and parses the returned message
// whole: its header a byte at a time, its MIME tree, every part's Content-Type. Of a
// returned message bounced needs its header (and, when it is itself a report, its
// text), so below the top entity a message/rfc822 part is kept as a leaf, its text
// as its body, the way mimetic keeps a part of any other type; the Walker reads its
// header (returned_header below). The hook is mimetic's own body loader,
// explicitly specialised for the iterator type that only read_message gives mimetic
// (const char*); everything else in mimetic's parser is unchanged. A whole entity
// that is message/rfc822 is still parsed into its child, as before.
//
// mimetic tells an entity's kind by parsing its Content-Type field into type, subtype
// and parameters (thousands of instructions), and then writes the value back in its
// parsed form. Only a multipart type, and message/rfc822 for the top entity, change
// how it reads the body (any case), so a field whose text does not have those words is
// not parsed: the entity is a leaf, as mimetic would find, and its value stays as
// written.
namespace bounced::detail {
// Whether a Content-Type value (the first of its entity's, as mimetic looks it up)
// can make mimetic read the body as more than text; top: the entity is the top one.
bool structured_type(std::string_view value, bool top) {
  return icontains(value, "multipart") ||
         (top && icontains(value, "message") && icontains(value, "rfc822"));
}

bool may_be_structured(const mimetic::Header& header, bool top) {
  for (const auto& f : header)
    if (iequals(std::string_view(f.name().data(), f.name().size()), "Content-Type"))
      return structured_type(f.value(), top);
  return false;  // none: mimetic reads the body as text/plain
}
}  // namespace bounced::detail

namespace bounced::detail {
const char* find_boundary(const char* bit, const char* eit, std::string_view word) {
  if (bit >= eit) return word.empty() ? bit : eit;
  const void* at = memmem(bit, static_cast<std::size_t>(eit - bit), word.data(), word.size());
  return at ? static_cast<const char*>(at) : eit;
}
}  // namespace bounced::detail

namespace mimetic {
// The boundary search: glibc's memmem (find_boundary) in place of mimetic's
// Boyer-Moore, which fills a 256-entry table at each of its calls (one per part).
template <>
const char* utils::find_bm<const char*>(const char* bit, const char* eit, const std::string& word,
                                        const std::random_access_iterator_tag&) {
  return bounced::detail::find_boundary(bit, eit, word);
}

template <>
void IteratorParser<const char*, std::input_iterator_tag>::loadBody() {
  const bool top = m_entityStack.size() == 1;
  const EntityType type =
      bounced::detail::may_be_structured(m_entityStack.top()->header(), top) ? getType() : etRfc822;
  if (type == etMultipart) {
    loadMultipart();
  } else if (type == etMsgRfc822 && top) {
    pushNewChild();
    doLoad();
    popChild();
  } else if (m_iMask & imBody) {
    jump_to_next_boundary();
  } else {
    copy_until_boundary(peBody);
  }
}
}  // namespace mimetic

namespace bounced {

namespace {

struct LimitCut {
  std::size_t offset = std::string_view::npos;  // where the text is cut, or npos
  const char* what = "";
};

struct LimitScan {
  LimitCut cut;
  // Byte ranges [first, second) to drop: the part of a header field past
  // kMaxHeaderFieldBytes (its final line end stays). All before cut.offset.
  std::vector<std::pair<std::size_t, std::size_t>> long_fields;
};

// One pass over the lines for the limits on what mimetic builds.
// Entities: every entity but the top one starts at a boundary delimiter line ("--" at
// the start of a line) or is the content of a message/* part, which has its own
// Content-Type line; so these lines bound the entities mimetic can make. (Counting
// only boundary= and message/ declarations missed flat parts: 2 million "--b" lines
// under one boundary took 8.7 s and 1.9 GB.)
// Header lines: a header section starts the text, follows a delimiter line, and
// follows the header of a message/* part; it ends at the first empty line. A field
// there is a line with its continuation lines (whatever the line holds: mimetic's
// buffers grow with a name as with a value).
LimitScan structure_limit(std::string_view text) {
  constexpr std::size_t kShortestLine = 2;  // "x\n"
  LimitScan scan;
  // A limit needs a field longer than its limit or as many lines as the smaller count
  // limit; most messages have neither.
  if (text.size() <= limits::kMaxHeaderFieldBytes) {
    const std::size_t enough = std::min(limits::kMaxMimeEntities, limits::kMaxHeaderLines);
    if (text.size() < kShortestLine * enough) return scan;
    if (count_byte(text, '\n') + 1 < enough) return scan;
  }
  std::size_t entities = 1;  // the top entity
  std::size_t header_lines = 0;
  bool in_header = true, message_part = false, in_content_type = false;
  std::size_t field_start = 0;  // where the current header field starts
  std::size_t pos = 0;
  while (pos < text.size()) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    const std::string_view line = text.substr(pos, end - pos);
    const bool delimiter = line.starts_with("--");
    const bool content_type = !line.empty() && (line[0] == 'C' || line[0] == 'c') && istarts_with(line, "content-type:");
    if ((delimiter || content_type) && ++entities > limits::kMaxMimeEntities) {
      scan.cut = {pos, "MIME entities"};
      return scan;
    }
    if (delimiter) {
      in_header = true;
      message_part = in_content_type = false;
    } else if (in_header && line.empty()) {
      in_header = message_part;  // a message/* part's content starts with its own header
      message_part = in_content_type = false;
    } else if (in_header) {
      if (++header_lines > limits::kMaxHeaderLines) {
        scan.cut = {pos, "header lines"};
        return scan;
      }
      // The type may be on a continuation line of the Content-Type field.
      const bool continuation = line[0] == ' ' || line[0] == '\t';
      in_content_type = content_type || (in_content_type && continuation);
      if (in_content_type && ifind(line, "message/") != std::string_view::npos) message_part = true;
      if (!continuation) field_start = pos;
      if (end - field_start > limits::kMaxHeaderFieldBytes) {
        auto& cuts = scan.long_fields;
        if (!cuts.empty() && cuts.back().second + 1 == pos && cuts.back().first > field_start) {
          // The field goes on past its cut: this line too, with the line end before it.
          cuts.back().second = end;
        } else {
          std::size_t from = field_start + limits::kMaxHeaderFieldBytes;
          // A continuation line dropped whole goes with the line end before it: an
          // empty line left behind would end the header.
          if (from <= pos) from = pos - 1;
          cuts.emplace_back(from, end);
        }
      }
    }
    if (nl == nullptr) break;
    pos = end + 1;
  }
  return scan;
}

// Drops the ranges (in order, not overlapping) from text.
void drop_ranges(std::string& text,
                 const std::vector<std::pair<std::size_t, std::size_t>>& ranges) {
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  for (const auto& [first, last] : ranges) {
    out.append(text, from, first - from);
    from = last;
  }
  out.append(text, from, std::string::npos);
  text = std::move(out);
}

HeaderList convert_header(const mimetic::Header& h) {
  HeaderList out;
  out.reserve(h.size());
  for (const auto& f : h) out.add(std::string(f.name()), unfold_owned(f.value()));
  return out;
}

std::string content_type_of(const HeaderList& h) {
  std::string_view ct = h.get("Content-Type");
  if (ct.empty()) return "text/plain";
  std::string_view t = ct.substr(0, ct.find(';'));
  std::string out = to_lower(trim(t));
  if (out.find('/') == std::string::npos) return "text/plain";
  return out;
}

std::string param_of(std::string_view header_value, std::string_view name) {
  std::size_t pos = 0;
  while ((pos = ifind(header_value, name, pos)) != std::string_view::npos) {
    bool boundary_ok = pos == 0 || header_value[pos - 1] == ';' || header_value[pos - 1] == ' ' ||
                       header_value[pos - 1] == '\t';
    std::size_t eq = pos + name.size();
    while (eq < header_value.size() && header_value[eq] == ' ') ++eq;
    if (boundary_ok && eq < header_value.size() && header_value[eq] == '=') {
      std::size_t v = eq + 1;
      while (v < header_value.size() && header_value[v] == ' ') ++v;
      if (v < header_value.size() && header_value[v] == '"') {
        std::size_t close = header_value.find('"', v + 1);
        return std::string(header_value.substr(v + 1, close == std::string_view::npos
                                                           ? std::string_view::npos
                                                           : close - v - 1));
      }
      std::size_t end = header_value.find_first_of("; \t", v);
      return std::string(header_value.substr(v, end == std::string_view::npos ? end : end - v));
    }
    pos += name.size();
  }
  return {};
}

std::string decode_body(const std::string& body, const HeaderList& h) {
  std::string cte = to_lower(trim(h.get("Content-Transfer-Encoding")));
  std::string_view view(body);
  if (view.size() > limits::kMaxPartText * 2) view = view.substr(0, limits::kMaxPartText * 2);
  std::string decoded;
  if (cte == "base64") decoded = decode_base64(view);
  else if (cte == "quoted-printable") decoded = decode_quoted_printable(view, false);
  else return std::string(view.substr(0, limits::kMaxPartText));  // line ends already LF: the whole text's were
  if (decoded.size() > limits::kMaxPartText) decoded.resize(limits::kMaxPartText);
  return normalize_newlines(decoded);
}

// True when a returned message's header says that it is a mailer's report itself:
// a multipart/report, or sent by MAILER-DAEMON/postmaster.
bool looks_like_report(const HeaderList& h) {
  return icontains(h.get("Content-Type"), "multipart/report") || from_mailer(h.get("From"));
}

bool is_message_type(std::string_view t) {
  return t == "message/rfc822" || t == "message/global" || t == "message/rfc822-headers" ||
         t == "message/partial" || t == "message/news";
}

// The header of a returned message (the text of a message/rfc822 part), as mimetic
// reads it when it parses that text as an entity: its fields, and the first
// Content-Type field's value as mimetic writes it back when it has parsed it (a
// multipart type or message/rfc822, see loadBody above: parameters quoted). A text
// that ends inside the header is read with an empty line after it: in the message,
// the part's boundary line followed it, and mimetic stores a field only when a line
// follows. by_mimetic: mimetic reads it (the reference read_message(raw, true) gives
// the fuzz target); otherwise read_top_header does, the same fields faster.
HeaderList returned_header(const std::string& body, bool by_mimetic) {
  if (by_mimetic) {
    const std::string text = body + "\n\n";
    mimetic::MimeEntity e;
    e.load(text.data(), text.data() + text.size(),
           mimetic::imBody | mimetic::imChildParts | mimetic::imPreamble | mimetic::imEpilogue);
    return convert_header(e.header());
  }
  TopHeader h = read_top_header(body);
  if (h.end == TopHeader::End::kEndOfText) h = read_top_header(body + "\n\n");
  HeaderList out;
  out.reserve(h.fields.size());
  bool typed = false;
  for (auto& f : h.fields) {
    if (!typed && iequals(f.name, "Content-Type")) {
      typed = true;
      if (detail::structured_type(f.value, true)) f.value = mimetic::ContentType(f.value).str();
    }
    out.add(std::move(f.name), unfold_owned(std::move(f.value)));
  }
  return out;
}

class Walker {
 public:
  Walker(Message& msg, bool by_mimetic) : msg_(msg), by_mimetic_(by_mimetic) {}

  // top_header: the top entity's fields when they were read without mimetic.
  void walk(const mimetic::MimeEntity& e, int depth, bool in_original, HeaderList* top_header) {
    HeaderList h = top_header ? std::move(*top_header) : convert_header(e.header());
    std::string type = content_type_of(h);
    if (depth > static_cast<int>(limits::kMaxMimeEntities)) {
      msg_.warnings.push_back("MIME nesting deeper than the limit; the rest is skipped");
      return;
    }
    if (type.starts_with("multipart/") && !e.body().parts().empty()) {
      if (depth == 0) msg_.headers = std::move(h);
      for (const auto* child : e.body().parts()) walk(*child, depth + 1, in_original, nullptr);
      return;
    }
    if (depth == 0) msg_.headers = h;
    if (type.starts_with("multipart/")) {
      add_leaf(e, std::move(h), "text/plain", depth, in_original);
      return;
    }
    if (is_message_type(type) && depth > 0) {
      Part p;
      p.type = type;
      p.depth = depth;
      p.in_original = in_original;
      p.headers = std::move(h);
      if (type == "message/rfc822") {
        // A leaf (see loadBody above): its body is the returned message's text.
        if (!msg_.has_original && !in_original) {
          HeaderList inner = returned_header(e.body(), by_mimetic_);
          if (looks_like_report(inner)) {
            // The report as mimetic writes it back after parsing it whole.
            const mimetic::MimeEntity whole(e.body().cbegin(), e.body().cend());
            std::ostringstream os;
            os << whole;
            msg_.nested_report = os.str();
            if (msg_.nested_report.size() > limits::kMaxMessageBytes)
              msg_.nested_report.resize(limits::kMaxMessageBytes);
          }
          msg_.original_headers = std::move(inner);
          msg_.has_original = true;
        }
      } else if (!msg_.has_original && !in_original) {
        // mimetic did not parse it as an entity: read the header ourselves.
        std::string text = decode_body(e.body(), p.headers);
        parse_header_block(text, msg_.original_headers);
        msg_.has_original = !msg_.original_headers.empty();
        if (msg_.has_original && looks_like_report(msg_.original_headers)) msg_.nested_report = std::move(text);
      }
      msg_.parts.push_back(std::move(p));
      return;
    }
    add_leaf(e, std::move(h), type, depth, in_original);
  }

 private:
  void add_leaf(const mimetic::MimeEntity& e, HeaderList h, std::string type, int depth,
                bool in_original) {
    Part p;
    p.type = std::move(type);
    p.depth = depth;
    p.in_original = in_original;
    p.is_attachment = istarts_with(trim(h.get("Content-Disposition")), "attachment");
    bool wanted = !in_original && (p.type.starts_with("text/") || p.type.starts_with("message/") ||
                                   p.type == "application/octet-stream" || depth == 0);
    if (wanted) {
      std::string charset = param_of(h.get("Content-Type"), "charset");
      std::string decoded;
      if (e.body().empty() && !e.body().preamble().empty()) {
        // A multipart whose boundary never occurs: mimetic keeps all of it as the
        // preamble. Read it as text so that the report can still be found.
        decoded = normalize_newlines(e.body().preamble() + e.body().epilogue());
      } else {
        decoded = decode_body(e.body(), h);
      }
      if ((p.type == "text/rfc822-headers" || p.type == "text/rfc822-header") && !msg_.has_original) {
        parse_header_block(decoded, msg_.original_headers);
        msg_.has_original = !msg_.original_headers.empty();
      }
      p.text = to_utf8_owned(std::move(decoded), charset);
    }
    p.headers = std::move(h);
    msg_.parts.push_back(std::move(p));
  }

  Message& msg_;
  bool by_mimetic_;
};

}  // namespace

namespace detail {

// The text of HTML: tags dropped (a line break for those that start a line or a
// block), the common entities decoded. Runs of text between tags and entities are
// copied whole.
std::string strip_html(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  std::size_t next_amp = html.find('&');
  std::size_t i = 0;
  bool in_tag = false;
  while (i < html.size()) {
    if (in_tag) {
      // Inside a tag only '<' (which starts another) and '>' (which ends it) count.
      const std::size_t gt = std::min(html.find('>', i), html.size());
      const std::size_t lt = html.substr(0, gt).find('<', i);
      if (lt == std::string_view::npos) {
        if (gt == html.size()) break;
        in_tag = false;
        i = gt + 1;
        continue;
      }
      i = lt;
    } else {
      const std::size_t lt = html.find('<', i);
      if (next_amp < i) next_amp = html.find('&', i);
      const std::size_t stop = std::min({lt, next_amp, html.size()});
      out.append(html, i, stop - i);
      i = stop;
      if (i == html.size()) break;
      if (html[i] == '&') {
        static const std::pair<std::string_view, char> ents[] = {{"&lt;", '<'},   {"&gt;", '>'},
                                                                 {"&amp;", '&'},  {"&quot;", '"'},
                                                                 {"&nbsp;", ' '}, {"&#39;", '\''}};
        std::size_t used = 1;
        char ch = '&';
        for (auto [name, c] : ents) {
          if (istarts_with(html.substr(i), name)) {
            ch = c;
            used = name.size();
            break;
          }
        }
        out.push_back(ch);
        i += used;
        continue;
      }
    }
    // A '<': a tag starts (again).
    in_tag = true;
    const std::string_view rest = html.substr(i + 1, 4);
    if (istarts_with(rest, "br") || istarts_with(rest, "p") || istarts_with(rest, "/p") ||
        istarts_with(rest, "div") || istarts_with(rest, "/div") || istarts_with(rest, "tr") ||
        istarts_with(rest, "li"))
      out.push_back('\n');
    ++i;
  }
  return out;
}

}  // namespace detail

const Part* Message::find(std::string_view type) const {
  for (const auto& p : parts)
    if (!p.in_original && p.type == type) return &p;
  return nullptr;
}

std::string Message::body_text() const {
  std::string out;
  bool have_plain = false;
  for (const auto& p : parts) {
    if (p.in_original || p.is_attachment) continue;
    if (p.type == "text/plain" || p.type == "text/enriched") {
      if (!out.empty()) out.push_back('\n');
      out += p.text;
      have_plain = true;
    }
  }
  if (!have_plain) {
    for (const auto& p : parts) {
      if (!p.in_original && p.type == "text/html") {
        if (!out.empty()) out.push_back('\n');
        out += detail::strip_html(p.text);
      }
    }
  }
  return out;
}

// The Content-Type parameters that repair_unfolded_parameters (below) looks for.
static constexpr std::string_view kUnfoldedParams[] = {
    "boundary=", "charset=", "report-type=", "name=", "filename=", "type=", "format="};

// True when a line ends in ';' (white space after it aside) and the next line starts
// with a parameter name: without such a pair repair_unfolded_parameters changes
// nothing. Semicolons are few, so this costs less than its walk over every line.
static bool may_have_unfolded_parameters(std::string_view text) {
  std::size_t pos = 0;
  while ((pos = text.find(';', pos)) != std::string_view::npos) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return false;
    if (trim(text.substr(pos, nl - pos)).ends_with(';')) {  // the line's last byte but white space
      const std::string_view next = text.substr(nl + 1);
      for (const auto p : kUnfoldedParams)
        if (istarts_with(next, p)) return true;
    }
    pos = nl + 1;
  }
  return false;
}

// Some mailers (Office 365 among them) write a Content-Type parameter on its own line
// without the folding whitespace: "Content-Type: multipart/alternative; x=y;" then
// "boundary=\"...\"" at the start of the next line. Indent such a line so that it
// reads as the continuation it is.
static void repair_unfolded_parameters(std::string& text) {
  if (!may_have_unfolded_parameters(text)) return;
  std::vector<std::size_t> fixes;  // line starts that need the space (almost always none)
  std::size_t pos = 0;
  bool in_content_header = false;  // the previous line belongs to a Content-* field
  bool prev_semicolon = false;
  while (pos < text.size()) {
    const void* nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) : text.size();
    const std::string_view line(text.data() + pos, end - pos);
    bool fixed = false;
    if (in_content_header && prev_semicolon && !line.empty() && line[0] != ' ' && line[0] != '\t') {
      for (auto p : kUnfoldedParams) {
        if (istarts_with(line, p)) {
          fixes.push_back(pos);
          fixed = true;
          break;
        }
      }
    }
    if (!fixed) {
      if (line.empty()) in_content_header = false;
      else if (line[0] != ' ' && line[0] != '\t')
        in_content_header = (line[0] == 'C' || line[0] == 'c') && istarts_with(line, "Content-");
    }
    // This runs for every line: trim only a line that ends in white space.
    prev_semicolon = !line.empty() && (line.back() == ';' || (static_cast<unsigned char>(line.back()) <= ' ' &&
                                                              trim(line).ends_with(';')));
    pos = end + 1;
  }
  if (fixes.empty()) return;
  std::string out;
  out.reserve(text.size() + fixes.size());
  std::size_t from = 0;
  for (const std::size_t at : fixes) {
    out.append(text, from, at - from);
    out.push_back(' ');
    from = at;
  }
  out.append(text, from, std::string::npos);
  text = std::move(out);
}

Message read_message(std::string_view raw_in, bool whole_by_mimetic) {
  Message msg;
  std::string_view raw = raw_in;
  if (raw.size() > limits::kMaxMessageBytes) {
    raw = raw.substr(0, limits::kMaxMessageBytes);
    msg.warnings.push_back("message larger than the size limit; read up to the limit");
  }
  std::string text = normalize_newlines(raw);
  repair_unfolded_parameters(text);
  if (const LimitScan scan = structure_limit(text);
      scan.cut.offset != std::string_view::npos || !scan.long_fields.empty()) {
    std::size_t dropped = 0;
    for (const auto& [first, last] : scan.long_fields) dropped += last - first;
    if (!scan.long_fields.empty()) {
      drop_ranges(text, scan.long_fields);
      msg.warnings.push_back("header field longer than the limit; cut to " +
                             std::to_string(limits::kMaxHeaderFieldBytes) + " bytes");
    }
    if (scan.cut.offset != std::string_view::npos) {
      text.resize(scan.cut.offset - dropped);
      msg.warnings.push_back(std::string("more ") + scan.cut.what +
                             " than the limit; read up to the limit");
    }
  }
  // Skip an mbox "From " line, which is not a header.
  std::size_t start = 0;
  if (text.starts_with("From ")) {
    std::size_t nl = text.find('\n');
    start = nl == std::string::npos ? text.size() : nl + 1;
  }
  try {
    if (whole_by_mimetic) {
      const char* const data = text.data();  // const char*: see loadBody above
      mimetic::MimeEntity top(data + start, data + text.size());
      Walker(msg, true).walk(top, 0, false, nullptr);
    } else {
      // The top-level header is read here; mimetic gets its Content-Type fields in
      // its place (written over the header's last bytes, never longer than it) and
      // reads the MIME structure below.
      TopHeader header = read_top_header(std::string_view(text).substr(start));
      const std::string stand_in = mimetic_stand_in(header);
      const std::size_t body_at = start + header.body_start;
      std::size_t from = start;
      if (stand_in.size() <= header.body_start) {
        from = body_at - stand_in.size();
        std::memcpy(text.data() + from, stand_in.data(), stand_in.size());
      } else {
        text = stand_in + text.substr(body_at);  // not expected; kept correct anyway
        from = 0;
      }
      const char* const data = text.data();  // const char*: see loadBody above
      mimetic::MimeEntity top(data + from, data + text.size());
      // Content-Type values as mimetic gives them back (it rewrites the one it looks
      // up, quoting parameters): the stand-in's fields, in the same order.
      HeaderList fields;
      fields.reserve(header.fields.size());
      auto typed = top.header().begin();
      for (auto& f : header.fields) {
        if (typed != top.header().end() && iequals(f.name, "Content-Type")) {
          fields.add(std::move(f.name), unfold_owned(typed->value()));
          ++typed;
        } else {
          fields.add(std::move(f.name), unfold_owned(std::move(f.value)));
        }
      }
      Walker(msg, false).walk(top, 0, false, &fields);
    }
  } catch (const std::exception& e) {
    msg.warnings.push_back(std::string("MIME reader: ") + e.what());
  }
  return msg;
}

}  // namespace bounced
