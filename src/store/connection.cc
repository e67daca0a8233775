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

}  // namespace bounced
