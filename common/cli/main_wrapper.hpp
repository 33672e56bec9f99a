/// The shared shape of our tools' main(): run the body, map errors to exit status 2 with a
/// message prefixed by the tool's name, and treat a closed stdout (a pipe into `head`) as
/// success, as ripgrep does.
#pragma once

#include <functional>
#include <string_view>

namespace fahras::cli {

/// Exit statuses shared by the tools (grep's and ripgrep's convention).
inline constexpr int kExitFound = 0;     ///< results found / everything indexed
inline constexpr int kExitNothing = 1;   ///< no results / some records rejected
inline constexpr int kExitError = 2;     ///< the run could not do its job
inline constexpr int kExitInterrupted = 130;

/// Runs `body` and returns its exit status; fahras::UsageError, fahras::Error, Xapian::Error
/// and std::exception all become `prog: message` on stderr and status 2.
int run_main(std::string_view prog, const std::function<int()>& body);

} // namespace fahras::cli
