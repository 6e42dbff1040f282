#pragma once

// The list's answer texts, kept so that a page polled again is not rendered again: rendering
// fifty charges costs more than the rest of the request (BENCHMARKS.md), and a billing system
// polls the same page over and over.
//
// The rule: a text is given again only for a page equal, in everything the text shows, to the
// page it was rendered from; a text is a function of the page and its fields alone, so it can
// never be stale, whatever the store did in between or whichever thread asks.

#include <netflix_charges/charge.hpp>

#include "json_text.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace netflix_charges::http::detail {

// Where a text is looked for: the request that last brought it.
struct page_request {
    std::string operator_name;
    status_class cls = status_class::not_processed;
    std::size_t offset = 0;
    std::size_t limit = 0;
    std::vector<charge_field> fields;

    friend bool operator==(const page_request& a, const page_request& b);
};

struct page_request_hash {
    std::size_t operator()(const page_request& r) const;
};

class page_texts {
public:
    static constexpr std::size_t max_texts = 256;  // past it, every text is forgotten at once

    // The answer body listing `page` with `request.fields`.
    std::string text(page_request request, std::vector<charge> page);

private:
    struct rendered {
        std::vector<charge> page;
        std::string text;
    };

    std::mutex mutex_;  // held only to find or file an entry: the comparing is done outside it
    std::unordered_map<page_request, std::shared_ptr<const rendered>, page_request_hash> texts_;
};

}  // namespace netflix_charges::http::detail
