#pragma once
// A minimal harness for tests that run on every rank of a communicator. Each test is a function of
// the communicator; a failed check records a message on that rank. The process exit code is the
// maximum over ranks, so one failing rank fails the run (as in Arbor's distributed tests).

#include <brainsim/comm/communicator.hpp>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace dist_test {

struct failure {
    std::string test, message;
};

struct registry {
    std::vector<std::pair<std::string, std::function<void(const brainsim::comm::communicator&, std::vector<failure>&)>>> tests;
    static registry& get() {
        static registry r;
        return r;
    }
};

struct registrar {
    registrar(const char* name, std::function<void(const brainsim::comm::communicator&, std::vector<failure>&)> f) {
        registry::get().tests.emplace_back(name, std::move(f));
    }
};

// Runs every test on this rank; returns the number of failures on ALL ranks (collective).
int run_all(const brainsim::comm::communicator& comm, std::ostream& log);

}  // namespace dist_test

#define DIST_TEST(name)                                                                                \
    static void dist_test_##name(const brainsim::comm::communicator&, std::vector<dist_test::failure>&); \
    static dist_test::registrar dist_test_reg_##name(#name, dist_test_##name);                            \
    static void dist_test_##name(const brainsim::comm::communicator& comm, std::vector<dist_test::failure>& failures_)

#define DIST_CHECK(cond)                                                                               \
    do {                                                                                               \
        if (!(cond)) {                                                                                 \
            std::ostringstream os_;                                                                    \
            os_ << __FILE__ << ":" << __LINE__ << ": rank " << comm.rank() << "/" << comm.size()      \
                << ": check failed: " #cond;                                                           \
            failures_.push_back({__func__, os_.str()});                                                \
        }                                                                                              \
    } while (0)
