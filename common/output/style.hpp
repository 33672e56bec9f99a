/// Colour policy, as ripgrep's: `auto` colours only when stdout is a terminal, TERM is not
/// "dumb" and NO_COLOR is unset; `always` and `never` mean what they say.
#pragma once

#include <string_view>

namespace fahras {

enum class ColorChoice { Auto, Always, Never };

/// Parses "auto", "always" or "never"; throws UsageError naming the valid values.
[[nodiscard]] ColorChoice parse_color_choice(std::string_view name);

/// Whether to emit ANSI colour on file descriptor `fd` under `choice` and the environment.
[[nodiscard]] bool use_color(ColorChoice choice, int fd);

} // namespace fahras
