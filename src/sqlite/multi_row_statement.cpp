#include "multi_row_statement.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace netflix_charges::sqlite_detail {

multi_row_statement::multi_row_statement(SQLite::Database& db, std::string head, int columns, std::string tail)
    : db_(db), head_(std::move(head)), columns_(columns), tail_(std::move(tail)), by_rows_(max_rows)
{
}

SQLite::Statement& multi_row_statement::for_rows(std::size_t rows)
{
    if (rows == 0 || rows > max_rows) throw std::logic_error("multi_row_statement: a row count out of range");
    auto& statement = by_rows_[rows - 1];
    if (!statement) {
        std::string sql = head_ + " VALUES ";
        int parameter = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            sql += r ? ", (" : "(";
            for (int c = 0; c < columns_; ++c) sql += fmt::format("{}?{}", c ? ", " : "", ++parameter);
            sql += ")";
        }
        if (!tail_.empty()) sql += " " + tail_;
        statement = std::make_unique<SQLite::Statement>(db_, sql);
    }
    return *statement;
}

}  // namespace netflix_charges::sqlite_detail
