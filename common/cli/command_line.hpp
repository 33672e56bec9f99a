/// The command-line shape every fahras tool shares (Boost.Program_options): --help/-h and
/// --version/-V, named options, and the remaining words as one positional list.
#pragma once

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fahras::cli {

/// Adds -h/--help and -V/--version to `visible` (call first, so they lead the help text).
void add_help_and_version(boost::program_options::options_description& visible);

/// Parses argv against `visible` plus one hidden option `positional_name` that takes every
/// positional word (into `positional`), storing and notifying `vm`. For --help it prints `usage`
/// and the options, for --version the version, to stdout, and returns the exit status 0 (the
/// tool should stop); otherwise nullopt. Throws Boost's errors for bad options (run_main
/// reports them as usage errors).
[[nodiscard]] std::optional<int> parse_command_line(
    int argc,
    char** argv,
    std::string_view usage,
    const boost::program_options::options_description& visible,
    const char* positional_name,
    std::vector<std::string>& positional,
    boost::program_options::variables_map& vm
);

} // namespace fahras::cli
