#pragma once

#include <functional>
#include <string_view>

namespace netflix_charges {

enum class log_level { debug, info, warning, error };

// Where the library's own messages go: the host provides it (the sample server sends them to
// spdlog). The library never writes a token, password or key into a message. An empty sink
// drops everything.
using log_sink = std::function<void(log_level level, std::string_view message)>;

}  // namespace netflix_charges
