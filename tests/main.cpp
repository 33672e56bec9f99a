// The only Catch2 main: compiled once, so adding a test file does not rebuild it.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
