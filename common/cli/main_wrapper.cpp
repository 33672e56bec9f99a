#include "common/cli/main_wrapper.hpp"

#include "common/util/error.hpp"

#include <xapian.h>

#include <boost/program_options/errors.hpp>

#include <csignal>
#include <iostream>

namespace fahras::cli {

int run_main(std::string_view prog, const std::function<int()>& body) {
    // Writing to a closed pipe must not kill us with SIGPIPE; the failed write is noticed below.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        const int status = body();
        std::cout.flush();
        return status;
    } catch (const UsageError& e) {
        std::cerr << prog << ": error: " << e.what() << "\n" << prog << ": try '" << prog << " --help'\n";
    } catch (const boost::program_options::error& e) {
        std::cerr << prog << ": error: " << e.what() << "\n" << prog << ": try '" << prog << " --help'\n";
    } catch (const Error& e) {
        std::cerr << prog << ": " << e.what() << '\n';
    } catch (const Xapian::Error& e) {
        std::cerr << prog << ": " << e.get_description() << '\n';
    } catch (const std::exception& e) {
        std::cerr << prog << ": " << e.what() << '\n';
    }
    return kExitError;
}

} // namespace fahras::cli
