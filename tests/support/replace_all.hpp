#pragma once

// Text templates of tests: every occurrence of a placeholder replaced.

#include <string>

namespace test_support {

inline void replace_all(std::string& text, const std::string& from, const std::string& to)
{
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

}  // namespace test_support
