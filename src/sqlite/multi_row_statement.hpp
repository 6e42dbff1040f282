#pragma once

// A statement over a VALUES list of several rows: an INSERT of them, or an UPDATE ... FROM
// them. SQLite's cost per statement (its reset, its program's start and end, its statement
// journal) is paid once for up to `max_rows` rows instead of once a row. A statement for each
// row count is prepared on first use and kept. Internal to the SQLite library; used by one
// connection.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace netflix_charges::sqlite_detail {

class multi_row_statement {
public:
    static constexpr std::size_t max_rows = 50;

    // The statement is `head` VALUES (...), (...) `tail`: `head` "INSERT INTO t (a, b)" or
    // "UPDATE t SET a = v.column2 FROM (", `columns` how many values a row has, `tail` what
    // follows the list ("ON CONFLICT DO NOTHING", ") AS v WHERE t.id = v.column1"), or nothing.
    multi_row_statement(SQLite::Database& db, std::string head, int columns, std::string tail = {});

    // The statement for `rows` rows (1 to max_rows): row r's value c (both from 0) is parameter
    // r * columns + c + 1. Every use binds every parameter and resets it after.
    SQLite::Statement& for_rows(std::size_t rows);

    int columns() const { return columns_; }

private:
    SQLite::Database& db_;
    std::string head_;
    int columns_;
    std::string tail_;
    std::vector<std::unique_ptr<SQLite::Statement>> by_rows_;  // [rows - 1], null until first used
};

}  // namespace netflix_charges::sqlite_detail
