// docs/openapi.yaml describes exactly the routes the handler has.
#include "http_fixture.hpp"

#include <fstream>
#include <set>

using namespace http_tests;

TEST_CASE("the router's routes and the OpenAPI paths are the same set", "[http][routes][docs]")
{
    std::ifstream in{NETFLIX_CHARGES_OPENAPI};
    REQUIRE(in);
    std::set<std::string> documented;
    std::string path;
    bool in_paths = false;
    for (std::string line; std::getline(in, line);) {
        if (line == "paths:") in_paths = true;
        else if (!line.empty() && line[0] != ' ') in_paths = false;
        if (!in_paths) continue;
        if (line.rfind("  /", 0) == 0 && line.back() == ':') path = line.substr(2, line.size() - 3);
        for (const char* method : {"get", "post", "put", "delete", "patch"})
            if (line == std::string{"    "} + method + ":") {
                std::string upper = method;
                for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                documented.insert(upper + " " + path);
            }
    }
    std::set<std::string> served;
    for (const auto& r : http::routes()) served.insert(r.method + " " + (r.path[0] == '/' ? r.path : base + r.path));
    CHECK(documented == served);
    CHECK(served.size() == 11);
}
