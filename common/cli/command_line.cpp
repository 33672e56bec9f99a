#include "common/cli/command_line.hpp"

#include "common/util/version.hpp"

#include <iostream>

namespace fahras::cli {
namespace po = boost::program_options;

void add_help_and_version(po::options_description& visible) {
    visible.add_options()
        ("help,h", "print this help and exit")
        ("version,V", "print the version and exit");
}

std::optional<int> parse_command_line(
    int argc,
    char** argv,
    std::string_view usage,
    const po::options_description& visible,
    const char* positional_name,
    std::vector<std::string>& positional,
    po::variables_map& vm
) {
    po::options_description hidden;
    hidden.add_options()(positional_name, po::value(&positional)->composing());
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positions;
    positions.add(positional_name, -1);
    po::store(po::command_line_parser(argc, argv).options(all).positional(positions).run(), vm);
    po::notify(vm);
    if (vm.count("help") != 0) {
        std::cout << usage << visible << '\n';
        return 0;
    }
    if (vm.count("version") != 0) {
        std::cout << kVersionString << '\n';
        return 0;
    }
    return std::nullopt;
}

} // namespace fahras::cli
