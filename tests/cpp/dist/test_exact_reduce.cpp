// Exact all-reduce of superaccumulators: each rank sums its own block of a global array; after
// all_reduce every rank holds bitwise the serial sum and the same state digest, for any rank count
// and any partition (including empty ranks).
#include "dist_test.hpp"

#include <brainsim/numeric/superaccumulator.hpp>

#include <bit>
#include <cmath>
#include <random>
#include <vector>

namespace {

// The same global data on every rank: wide exponent range, cancellation and a few subnormals.
std::vector<double> global_data(std::size_t n) {
    std::mt19937_64 g(20240601);
    std::normal_distribution<double> nd;
    std::uniform_int_distribution<int> ex(-80, 80);
    std::vector<double> xs(n);
    for (auto& x: xs) x = std::ldexp(nd(g), ex(g));
    for (std::size_t i = 0; i + 1 < n; i += 97) xs[i + 1] = -xs[i];  // exact cancellations
    if (n > 10) xs[10] = 1e-310;
    return xs;
}

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

}  // namespace

DIST_TEST(exact_all_reduce_equals_serial_sum) {
    const auto xs = global_data(20011);
    const double serial = brainsim::numeric::exact_sum(xs);
    brainsim::numeric::superaccumulator whole;
    whole.add(xs);
    const std::string serial_digest = whole.digest();
    // Even split and a skewed split where rank 0 gets nothing and the last rank gets most.
    for (int skew = 0; skew < 2; ++skew) {
        const std::size_t n = xs.size(), p = std::size_t(comm.size()), r = std::size_t(comm.rank());
        std::size_t lo = n * r / p, hi = n * (r + 1) / p;
        if (skew && p > 1) {  // rank 0 empty, the others growing quadratically
            const std::size_t q = p - 1;
            lo = r == 0 ? 0 : n * (r - 1) * (r - 1) / (q * q);
            hi = r == 0 ? 0 : n * r * r / (q * q);
        }
        brainsim::numeric::superaccumulator mine;
        mine.add(std::span<const double>(xs.data() + lo, hi - lo));
        mine.all_reduce(comm);
        DIST_CHECK(bits(mine.round()) == bits(serial));
        DIST_CHECK(mine.digest() == serial_digest);
    }
}

DIST_TEST(exact_all_reduce_of_specials_and_overflow) {
    // Every rank r > 0 holds +DBL_MAX (r+1 times) and -DBL_MAX (r times): the ranks' partial sums,
    // and any running total, exceed the double range; rank 0 holds DBL_MAX - (p-1) DBL_MAX, so the
    // exact total is DBL_MAX for every rank count.
    brainsim::numeric::superaccumulator acc;
    const double m = 1.7976931348623157e308;
    for (int k = 0; k <= comm.rank(); ++k) acc.add(m);
    for (int k = 0; k < comm.rank(); ++k) acc.add(-m);
    if (comm.rank() == 0)
        for (int k = 1; k < comm.size(); ++k) acc.add(-m);
    acc.all_reduce(comm);
    DIST_CHECK(bits(acc.round()) == bits(m));
    // One rank contributing +inf and another -inf gives NaN everywhere.
    brainsim::numeric::superaccumulator s;
    if (comm.rank() == comm.size() - 1) s.add(std::numeric_limits<double>::infinity());
    if (comm.rank() == 0) s.add(-std::numeric_limits<double>::infinity());
    s.all_reduce(comm);
    DIST_CHECK(std::isnan(s.round()));
}
