// connection.cc - opening a SQLite connection and running SQL on it.
#include "store/connection.h"

#include "store/store.h"

namespace bounced {

sqlite3* open_connection(const std::string& path, int flags, std::string_view purpose) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw StoreError(path + ": cannot open database" + std::string(purpose) + ": " + msg);
  }
  return db;
}

void exec_sql(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("sqlite: " + msg);
  }
}

std::string first_value(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  std::string value;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    if (const unsigned char* t = sqlite3_column_text(s, 0))
      value = reinterpret_cast<const char*>(t);
  sqlite3_finalize(s);
  return value;
}

}  // namespace bounced
