/// fahras::Error: thrown only when a run cannot go on (a database that cannot be opened, an
/// unreadable input); caught once, in main(), and turned into exit status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace fahras {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A command-line usage error (bad option value): exit status 2 with the message.
class UsageError : public Error {
  public:
    using Error::Error;
};

} // namespace fahras
