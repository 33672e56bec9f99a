#include "common/output/style.hpp"

#include "common/util/error.hpp"

#include <array>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <utility>

namespace fahras {

ColorChoice parse_color_choice(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, ColorChoice>, 3> kTable = {{
        {"always", ColorChoice::Always},
        {"auto", ColorChoice::Auto},
        {"never", ColorChoice::Never},
    }};
    for (const auto& [key, value] : kTable) {
        if (key == name) return value;
    }
    throw UsageError("--color: expected one of always|auto|never, got '" + std::string(name) + "'");
}

bool use_color(ColorChoice choice, int fd) {
    switch (choice) {
    case ColorChoice::Always:
        return true;
    case ColorChoice::Never:
        return false;
    case ColorChoice::Auto:
        break;
    }
    if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && *no_color != '\0') return false;
    if (const char* term = std::getenv("TERM"); term != nullptr && std::string_view(term) == "dumb") return false;
    return isatty(fd) == 1;
}

} // namespace fahras
