// schema.h - the versioned SQL schema (schemas/NNN-*.sql), compiled in by CMake.
#pragma once
#include <string_view>
#include <vector>

namespace bounced {

struct SchemaStep {
  std::string_view name;  // "001-initial.sql": version 1
  std::string_view sql;
};

// Steps in version order; step i brings the database to version i + 1.
const std::vector<SchemaStep>& schema_steps();

}  // namespace bounced
