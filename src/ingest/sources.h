// sources.h - where messages come from: a file, stdin, an mbox file, a Maildir.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace bounced {

// Calls fn(label, bytes) for each message under path: a message file, "-" for stdin,
// a Maildir folder (cur/ and new/, entries in name order; label is the entry's path)
// or an mbox file (label is path#N, N from 1). Returns false, with error set, when the
// path cannot be opened or read.
bool for_each_message(const std::string& path,
                      const std::function<void(const std::string&, std::string_view)>& fn,
                      std::string& error);

// Reads a whole file (or stdin for "-"), up to max bytes. False with error set on failure.
bool read_file(const std::string& path, std::string& out, std::string& error, std::size_t max);

}  // namespace bounced
