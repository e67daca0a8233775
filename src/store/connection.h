// connection.h - opening a SQLite connection and running SQL on it, with errors that
// say which database and what SQLite said (StoreError).
#pragma once
#include <sqlite3.h>

#include <string>
#include <string_view>

namespace bounced {

// Opens the database at `path` with `flags` (SQLITE_OPEN_*); `purpose` ends the error
// ("cannot open database" + purpose + ": " + SQLite's message). Never returns null.
sqlite3* open_connection(const std::string& path, int flags, std::string_view purpose = {});

// Runs `sql` (one or more statements, rows ignored); throws "sqlite: " + the message.
void exec_sql(sqlite3* db, const char* sql);

// The first column of the first row `sql` gives (a PRAGMA's value), as text; empty
// when there is none or the statement fails.
std::string first_value(sqlite3* db, const char* sql);

}  // namespace bounced
