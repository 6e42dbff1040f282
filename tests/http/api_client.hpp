#pragma once

// A billing system's side of the API for load and crash tests: one keep-alive connection,
// requests as JSON, answers parsed. A call whose answer did not arrive (connection lost) gives
// nothing: its outcome is unknown to the caller.

#include "raw_http_client.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace http_tests {

struct api_item {
    std::string number;
    std::string customer;
    std::string reference;
};

class api_client {
public:
    api_client(unsigned short port, std::string token) : port_(port), token_(std::move(token)) {}

    // The numbers listed (NOT_PROCESSED, from offset 0), or nothing when the answer was lost.
    std::optional<std::vector<std::string>> list(std::size_t count)
    {
        const auto answer = exchange(test_support::get_request(
            "/crmapi/rest/v2/netflix/charges/list?token=" + token_ + "&number_of_results=" + std::to_string(count) +
            "&charge_status=NOT_PROCESSED&offset=0"));
        if (!answer) return std::nullopt;
        std::vector<std::string> numbers;
        for (const auto& c : answer->at("data").at("charges_set").as_array())
            numbers.emplace_back(c.at("number").as_string());
        return numbers;
    }

    // The numbers that failed, with their error codes; nothing when the answer was lost.
    std::optional<std::vector<std::pair<std::string, std::string>>> batch(const std::string& call,
                                                                          const std::vector<api_item>& items)
    {
        boost::json::array set;
        for (const auto& i : items)
            set.push_back({{"number", i.number}, {"billing_system_customer_identifier", i.customer},
                           {"reference_number", i.reference}});
        const std::string set_name = call == "acknowledge" ? "acknowledged_charges_set"
                                     : call == "accept"    ? "accepted_charges_set"
                                                           : "declined_charges_set";
        const boost::json::object body{{"token", token_}, {set_name, set}};
        const auto answer =
            exchange(test_support::post_request("/crmapi/rest/v2/netflix/charges/" + call, boost::json::serialize(body)));
        if (!answer) return std::nullopt;
        if (answer->at("status").at("code").as_string() != "OK") return std::nullopt;
        std::vector<std::pair<std::string, std::string>> failed;
        for (const auto& f : answer->at("data").at("failed_charges_set").as_array())
            failed.emplace_back(std::string{f.at("number").as_string()}, std::string{f.at("error_code").as_string()});
        return failed;
    }

private:
    static bool closes(std::string headers)
    {
        for (auto& ch : headers) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return headers.find("connection: close") != std::string::npos;
    }

    std::optional<boost::json::value> exchange(const std::string& request)
    {
        try {
            if (!connection_) connection_.emplace(port_);
            connection_->send(request);
            const auto r = connection_->read_response();
            if (!r || r->status != 200) {
                connection_.reset();
                return std::nullopt;
            }
            if (closes(r->headers)) connection_.reset();  // as any client: reconnect next time
            return boost::json::parse(r->body);
        } catch (const std::exception&) {
            connection_.reset();
            return std::nullopt;
        }
    }

    unsigned short port_;
    std::string token_;
    std::optional<test_support::raw_connection> connection_;
};

}  // namespace http_tests
