#pragma once

#include <string>
#include <utility>

namespace netflix_charges {

// The operator (tenant) a charge, reference number, user or token belongs to: the `org`
// claim of a token. A distinct type, so it is never mixed up with a charge number.
class operator_id {
public:
    explicit operator_id(std::string value) : value_(std::move(value)) {}

    const std::string& value() const { return value_; }

    friend bool operator==(const operator_id& a, const operator_id& b) { return a.value_ == b.value_; }
    friend bool operator!=(const operator_id& a, const operator_id& b) { return a.value_ != b.value_; }
    friend bool operator<(const operator_id& a, const operator_id& b) { return a.value_ < b.value_; }

private:
    std::string value_;
};

}  // namespace netflix_charges
