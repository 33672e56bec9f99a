/// The version shown by --version and stored in databases (fahras:created_by).
#pragma once

#include <string_view>

namespace fahras {
inline constexpr std::string_view kVersionString = "fahras 0.1.0";
} // namespace fahras
