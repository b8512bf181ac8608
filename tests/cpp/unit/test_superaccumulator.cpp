// Exact summation: hand-built cases with known exact sums (cancellation up to condition numbers
// beyond 1e40, subnormals, ties, overflow, specials), agreement of the vectorised bulk path with
// value-by-value addition, merge/serialize round trips, permutation invariance, the fixed-point
// format for synaptic input, and the accumulation-mode parser.
#include <brainsim/errors.hpp>
#include <brainsim/numeric/accumulation.hpp>
#include <brainsim/numeric/detail/sha256.hpp>
#include <brainsim/numeric/exact_accumulator.hpp>
#include <brainsim/numeric/superaccumulator.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace bn = brainsim::numeric;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double dmax = std::numeric_limits<double>::max();
constexpr double tiny = std::numeric_limits<double>::denorm_min();  // 2^-1074

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }
using i128 = bn::detail::i128;

// Sum value by value (the scalar path) and in bulk (the vectorised path); both must agree bitwise.
double sum_scalar(const std::vector<double>& xs) {
    bn::superaccumulator acc;
    for (double x: xs) acc.add(x);
    return acc.round();
}
double sum_bulk(const std::vector<double>& xs) { return bn::exact_sum(xs); }

#define EXPECT_SAME_BITS(a, b) EXPECT_EQ(bits(a), bits(b)) << (a) << " vs " << (b)

void expect_sum(const std::vector<double>& xs, double expected) {
    EXPECT_SAME_BITS(sum_scalar(xs), expected);
    EXPECT_SAME_BITS(sum_bulk(xs), expected);
    auto r = xs;
    std::reverse(r.begin(), r.end());
    EXPECT_SAME_BITS(sum_bulk(r), expected);
}

// Pad with zeros so the bulk kernel (blocks of 16 values and more) runs, not only the tail loop.
std::vector<double> padded(std::vector<double> xs, std::size_t n = 64) {
    xs.resize(std::max(n, xs.size()), 0.0);
    return xs;
}

}  // namespace

TEST(superaccumulator, empty_and_zero) {
    expect_sum({}, 0.0);
    expect_sum({0.0, -0.0}, 0.0);
    // An exact zero is +0.0 whatever the signs of the zeros (as math.fsum does).
    EXPECT_FALSE(std::signbit(bn::exact_sum(std::vector<double>(100, -0.0))));
    expect_sum({1.5, -1.5}, 0.0);
}

TEST(superaccumulator, simple_exact_sums) {
    expect_sum({1.0, 2.0, 3.0}, 6.0);
    expect_sum(padded({0.1, 0.2, -0.3}), 0x1p-55);  // exact value of 0.1+0.2-0.3 as doubles
    // 0.1 + 0.2 + 0.3: the exact sum of the three doubles is 0.6000000000000000055511151231257827,
    // nearest double 0.6 (naive left-to-right gives 0.6000000000000001).
    expect_sum(padded({0.1, 0.2, 0.3}), 0.6);
}

TEST(superaccumulator, cancellation_condition_number_beyond_1e40) {
    // [y, -y for many large y] + t: exact sum t; sum|x| / |t| ~ 1e30 * 2000 / 1e-13 > 1e46.
    std::mt19937_64 g(7);
    std::normal_distribution<double> nd;
    std::vector<double> xs;
    for (int i = 0; i < 1000; ++i) {
        const double y = nd(g) * 1e30;
        xs.push_back(y);
        xs.push_back(-y);
    }
    const double t = 3.0e-13;
    xs.push_back(t);
    std::shuffle(xs.begin(), xs.end(), g);
    double cond_num = 0.0;
    for (double x: xs) cond_num += std::abs(x);
    cond_num /= t;
    EXPECT_GT(cond_num, 1e40);
    expect_sum(xs, t);
}

TEST(superaccumulator, cancellation_across_exponents) {
    // a = hi + lo exactly (Veltkamp split into 26 + 27 bits); [hi, lo, -a] cancels exactly with three
    // different exponents. Plus a small residue made of two terms whose sum is a known double.
    std::mt19937_64 g(11);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::uniform_int_distribution<int> ex(-200, 200);
    std::vector<double> xs;
    for (int i = 0; i < 3000; ++i) {
        const double a = std::ldexp(u(g), ex(g));
        const double c = a * 134217729.0;  // 2^27 + 1
        const double hi = c - (c - a);
        const double lo = a - hi;
        xs.insert(xs.end(), {hi, lo, -a});
    }
    xs.push_back(1.0);
    xs.push_back(0x1p-60);  // 1 + 2^-60 rounds to 1
    std::shuffle(xs.begin(), xs.end(), g);
    expect_sum(xs, 1.0);
    xs.push_back(0x1p-53);  // now 1 + 2^-53 + 2^-60 > halfway: rounds up
    expect_sum(xs, 1.0 + 0x1p-52);
}

TEST(superaccumulator, ties_round_to_even) {
    expect_sum(padded({1.0, 0x1p-53}), 1.0);                              // tie, 1 is even
    expect_sum(padded({1.0 + 0x1p-52, 0x1p-53}), 1.0 + 0x1p-51);          // tie, rounds up to even
    expect_sum(padded({1.0, 0x1p-53, 0x1p-1000}), 1.0 + 0x1p-52);         // just above the tie
    expect_sum(padded({1.0, 0x1p-53, -0x1p-1074}), 1.0);                  // just below the tie
    expect_sum(padded({-1.0, -0x1p-53}), -1.0);                           // symmetric for negatives
    expect_sum(padded({-1.0 - 0x1p-52, -0x1p-53}), -1.0 - 0x1p-51);
}

TEST(superaccumulator, ties_in_the_subnormal_range) {
    // x * 2^-1074 for an integer x is exact in the accumulator; 3 * 2^-1075 = 1.5 ulp: tie to even (2 ulp).
    // Build 2^-1075 exactly as the exact product 2^-1074 * 0.5 (the product is exact, not rounded).
    bn::superaccumulator acc;
    acc.add(tiny);
    acc.add_product(tiny, 0.5);
    EXPECT_SAME_BITS(acc.round(), 2 * tiny);
    bn::superaccumulator b;
    b.add_product(tiny, 0.5);  // exactly half the smallest subnormal: tie to even, zero
    EXPECT_SAME_BITS(b.round(), 0.0);
    b.add_product(tiny, 0x1p-60);  // a hair above half
    EXPECT_SAME_BITS(b.round(), tiny);
}

TEST(superaccumulator, subnormals) {
    std::vector<double> xs(1000, tiny);
    expect_sum(xs, 1000 * tiny);
    xs.assign(4096, 0x1p-1030);  // subnormal values summing to a normal number: 2^-1018
    expect_sum(xs, 0x1p-1018);
    xs = padded({0x1p-1022, -tiny});  // largest subnormal
    expect_sum(xs, 0x1p-1022 - tiny);
    xs = padded({1e-310, -1e-310, 5e-324});
    expect_sum(xs, tiny);
}

TEST(superaccumulator, overflow_to_infinity) {
    expect_sum(padded({dmax, dmax}), inf);
    expect_sum(padded({-dmax, -dmax}), -inf);
    // DBL_MAX + ulp(DBL_MAX)/2 is a tie between DBL_MAX (odd) and 2^1024: rounds to even = inf.
    expect_sum(padded({dmax, 0x1p970}), inf);
    // ... and just below the tie stays finite.
    expect_sum(padded({dmax, 0x1p970, -tiny}), dmax);
    std::vector<double> many(5000, 0x1p1020);  // 5000 * 2^1020 > DBL_MAX
    expect_sum(many, inf);
}

TEST(superaccumulator, intermediate_overflow_that_cancels) {
    expect_sum(padded({dmax, dmax, -dmax}), dmax);
    expect_sum(padded({dmax, dmax, dmax, -dmax, -dmax, 1.0}), dmax);
    std::vector<double> xs(3000, 0x1p1023);
    xs.resize(6000, -0x1p1023);
    xs.push_back(42.0);
    std::mt19937_64 g(3);
    std::shuffle(xs.begin(), xs.end(), g);
    expect_sum(xs, 42.0);
}

TEST(superaccumulator, infinities_and_nan) {
    expect_sum(padded({inf, 1.0}), inf);
    expect_sum(padded({-inf, 1e308, 1e308}), -inf);
    expect_sum(padded({inf, inf}), inf);
    EXPECT_TRUE(std::isnan(sum_bulk(padded({inf, -inf}))));
    EXPECT_TRUE(std::isnan(sum_scalar({inf, -inf})));
    EXPECT_TRUE(std::isnan(sum_bulk(padded({1.0, std::nan("")}))));
    EXPECT_TRUE(std::isnan(sum_scalar({std::nan(""), inf})));
    std::vector<double> xs(5000, 1.0);
    xs[4321] = std::nan("");
    EXPECT_TRUE(std::isnan(sum_bulk(xs)));
    xs[4321] = -inf;
    EXPECT_SAME_BITS(sum_bulk(xs), -inf);
    // a finite sum beyond the range plus +inf is +inf; with -inf it is -inf (specials win)
    expect_sum(padded({dmax, dmax, -inf}), -inf);
}

TEST(superaccumulator, bulk_path_agrees_with_value_by_value) {
    // Distributions that exercise every path of the kernel: narrow (two slices), moderately wide
    // (four slices), very wide (exponent bins), subnormal blocks, zeros, and odd lengths.
    std::mt19937_64 g(2024);
    std::normal_distribution<double> nd;
    std::uniform_int_distribution<int> e_small(-40, 40), e_wide(-1000, 1000), e_sub(-1074, -1000);
    for (int kind = 0; kind < 6; ++kind) {
        for (std::size_t n: {0u, 1u, 15u, 16u, 17u, 1023u, 1024u, 1025u, 5000u}) {
            std::vector<double> xs(n);
            for (auto& x: xs) {
                switch (kind) {
                    case 0: x = nd(g); break;
                    case 1: x = std::ldexp(nd(g), e_small(g)); break;
                    case 2: x = std::ldexp(nd(g), e_wide(g)); break;
                    case 3: x = std::ldexp(nd(g), e_sub(g)); break;
                    case 4: x = (g() % 3 == 0) ? nd(g) : 0.0; break;
                    default: x = (g() % 2 ? 1.0 : -1.0) * std::ldexp(1.0, e_wide(g)); break;
                }
            }
            EXPECT_SAME_BITS(sum_bulk(xs), sum_scalar(xs)) << "kind " << kind << " n " << n;
        }
    }
}

TEST(superaccumulator, every_kernel_variant_gives_the_same_bits) {
    // The machine runs one of the baseline / AVX2 / AVX-512 kernels; check all it can run.
    std::mt19937_64 g(77);
    std::normal_distribution<double> nd;
    std::uniform_int_distribution<int> ex(-30, 30), wide(-900, 900);
    std::vector<std::vector<double>> sets(3, std::vector<double>(4099));
    for (auto& x: sets[0]) x = nd(g);
    for (auto& x: sets[1]) x = std::ldexp(nd(g), ex(g));
    for (auto& x: sets[2]) x = std::ldexp(nd(g), wide(g));
    sets[1][100] = 1e-310;
    std::vector<double> reference;
    for (auto& xs: sets) reference.push_back(sum_scalar(xs));
    const std::string original = bn::detail::exact_sum_kernel_name();
    int ran = 0;
    for (const char* name: {"baseline", "avx2", "avx512"}) {
        if (!bn::detail::force_exact_sum_kernel(name)) continue;
        ++ran;
        EXPECT_EQ(std::string(bn::detail::exact_sum_kernel_name()), name);
        for (std::size_t k = 0; k < sets.size(); ++k) {
            EXPECT_SAME_BITS(sum_bulk(sets[k]), reference[k]) << name << " set " << k;
            bn::superaccumulator pairwise;
            for (double x: sets[k]) pairwise.add_product(x, 0.75);
            EXPECT_SAME_BITS(bn::exact_dot(sets[k], std::vector<double>(sets[k].size(), 0.75)), pairwise.round())
                << name << " set " << k;
        }
    }
    EXPECT_GE(ran, 1);
    EXPECT_FALSE(bn::detail::force_exact_sum_kernel("sse9"));
    EXPECT_TRUE(bn::detail::force_exact_sum_kernel(original));
}

TEST(superaccumulator, exact_known_sum_of_grid_values) {
    // Multiples of 2^-40 below 1 in magnitude: the exact sum is an integer times 2^-40 that we
    // compute in integer arithmetic here, independently of the accumulator.
    std::mt19937_64 g(5);
    std::vector<double> xs(20000);
    i128 total = 0;
    for (auto& x: xs) {
        const auto k = static_cast<std::int64_t>(g() % (std::uint64_t{1} << 41)) - (std::int64_t{1} << 40);
        x = std::ldexp(static_cast<double>(k), -40);
        total += k;
    }
    // |total| < 20000 * 2^40 < 2^55; typically ~2^47, where its double is exact (asserted).
    const auto t = static_cast<std::int64_t>(total);
    const double expected = std::ldexp(static_cast<double>(t), -40);
    ASSERT_EQ(static_cast<i128>(static_cast<double>(t)), total) << "reference not exact";
    EXPECT_SAME_BITS(sum_bulk(xs), expected);
}

TEST(superaccumulator, permutation_invariance) {
    std::mt19937_64 g(99);
    std::normal_distribution<double> nd;
    std::uniform_int_distribution<int> ex(-60, 60);
    std::vector<double> xs(10000);
    for (auto& x: xs) x = std::ldexp(nd(g), ex(g));
    const double ref = sum_bulk(xs);
    const std::string ref_digest = [&] {
        bn::superaccumulator a;
        a.add(xs);
        return a.digest();
    }();
    for (int k = 0; k < 5; ++k) {
        std::shuffle(xs.begin(), xs.end(), g);
        EXPECT_SAME_BITS(sum_bulk(xs), ref);
        bn::superaccumulator a;
        a.add(xs);
        EXPECT_EQ(a.digest(), ref_digest);
    }
    // naive summation does depend on the order (the reason this exists)
    double naive_a = 0.0, naive_b = 0.0;
    for (double x: xs) naive_a += x;
    std::sort(xs.begin(), xs.end());
    for (double x: xs) naive_b += x;
    EXPECT_NE(bits(naive_a), bits(naive_b));
    EXPECT_SAME_BITS(sum_bulk(xs), ref);
}

TEST(superaccumulator, merge_equals_single_accumulator) {
    std::mt19937_64 g(1);
    std::normal_distribution<double> nd;
    std::vector<double> xs(9999);
    for (auto& x: xs) x = nd(g) * std::exp(nd(g) * 20);
    bn::superaccumulator whole;
    whole.add(xs);
    for (std::size_t parts: {2u, 3u, 7u}) {
        bn::superaccumulator merged;
        for (std::size_t p = 0; p < parts; ++p) {
            bn::superaccumulator part;
            const std::size_t lo = xs.size() * p / parts, hi = xs.size() * (p + 1) / parts;
            part.add(std::span<const double>(xs.data() + lo, hi - lo));
            merged += part;
        }
        EXPECT_TRUE(merged == whole);
        EXPECT_EQ(merged.digest(), whole.digest());
        EXPECT_SAME_BITS(merged.round(), whole.round());
    }
    bn::superaccumulator self = whole;
    self.merge(self);  // doubling
    bn::superaccumulator twice = whole;
    twice.add(xs);
    EXPECT_TRUE(self == twice);
}

TEST(superaccumulator, serialize_round_trip) {
    std::mt19937_64 g(4);
    std::normal_distribution<double> nd;
    for (int kind = 0; kind < 4; ++kind) {
        bn::superaccumulator a;
        if (kind == 1) a.add(-tiny);
        if (kind == 2) a.add(std::vector<double>{dmax, dmax, -1e-300});
        if (kind == 3) {
            for (int i = 0; i < 3000; ++i) a.add(nd(g) * 1e10);
            a.add(inf);
        }
        const auto bytes = a.serialize();
        const auto b = bn::superaccumulator::deserialize(bytes);
        EXPECT_TRUE(a == b);
        EXPECT_EQ(b.serialize(), bytes);
        EXPECT_SAME_BITS(a.round(), b.round());
        EXPECT_EQ(a.digest(), b.digest());
    }
    // The state is canonical: the same value reached differently gives the same bytes.
    bn::superaccumulator x, y;
    x.add(1.0);
    x.add(0x1p-80);
    y.add(std::vector<double>{0x1p-80, 3.0, -2.0});
    EXPECT_EQ(x.serialize(), y.serialize());
    // Corrupt input is rejected.
    auto bytes = x.serialize();
    bytes[0] = std::byte{'X'};
    EXPECT_THROW(bn::superaccumulator::deserialize(bytes), brainsim::io_error);
    EXPECT_THROW(bn::superaccumulator::deserialize(std::span<const std::byte>(bytes.data(), 5)), brainsim::io_error);
}

TEST(superaccumulator, sha256_known_vectors) {
    // FIPS 180-2 test vectors.
    const std::string abc = "abc";
    EXPECT_EQ(bn::detail::sha256::hex_digest(std::as_bytes(std::span(abc.data(), abc.size()))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(bn::detail::sha256::hex_digest({}),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    EXPECT_EQ(bn::detail::sha256::hex_digest(std::as_bytes(std::span(two_blocks.data(), two_blocks.size()))),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(superaccumulator, exact_products_and_dot) {
    // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60: the product is exact in the accumulator.
    const double a = 1.0 + 0x1p-30;
    bn::superaccumulator acc;
    acc.add_product(a, a);
    acc.add(-1.0);
    acc.add(-0x1p-29);
    EXPECT_SAME_BITS(acc.round(), 0x1p-60);
    // Products that underflow or overflow as doubles are still exact.
    bn::superaccumulator u;
    u.add_product(0x1p-600, 0x1p-600);  // 2^-1200
    u.add_product(0x1p-600, 0x1p-500);  // 2^-1100
    u.add_product(-0x1p-600, 0x1p-500);
    u.add_product(0x1p-537, 0x1p-537);  // 2^-1074
    EXPECT_SAME_BITS(u.round(), tiny);  // 2^-1074 + 2^-1200 -> 2^-1074
    bn::superaccumulator o;
    o.add_product(0x1p600, 0x1p600);
    o.add_product(-0x1p600, 0x1p600);
    o.add(1.5);
    EXPECT_SAME_BITS(o.round(), 1.5);
    // IEEE specials in products
    bn::superaccumulator s;
    s.add_product(inf, 0.0);
    EXPECT_TRUE(std::isnan(s.round()));
    bn::superaccumulator s2;
    s2.add_product(-inf, 2.0);
    EXPECT_SAME_BITS(s2.round(), -inf);
    // exact_dot vs an exact reference: integer-valued vectors (products and sums exact in int64).
    std::mt19937_64 g(8);
    std::vector<double> x(3001), y(3001);
    std::int64_t ref = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::int64_t p = std::int64_t(g() % 2000001) - 1000000, q = std::int64_t(g() % 2001) - 1000;
        x[i] = double(p);
        y[i] = double(q);
        ref += p * q;
    }
    EXPECT_SAME_BITS(bn::exact_dot(x, y), double(ref));
    // The bulk dot agrees with pair-by-pair exact products for wide and tiny data.
    std::normal_distribution<double> nd;
    std::uniform_int_distribution<int> ex(-560, 560);
    for (auto& v: x) v = std::ldexp(nd(g), ex(g));
    for (auto& v: y) v = std::ldexp(nd(g), ex(g));
    bn::superaccumulator pairwise;
    for (std::size_t i = 0; i < x.size(); ++i) pairwise.add_product(x[i], y[i]);
    EXPECT_SAME_BITS(bn::exact_dot(x, y), pairwise.round());
    std::vector<double> z(5000);
    for (auto& v: z) v = nd(g);
    bn::superaccumulator pz;
    for (double v: z) pz.add_product(v, v);
    EXPECT_SAME_BITS(bn::exact_dot(z, z), pz.round());
    EXPECT_THROW(bn::exact_dot(z, x), brainsim::config_error);
}

TEST(fixed_point_format, exact_for_a_typical_weight_set) {
    // Brunel-like weights: J = 0.1 mV, -g*J with g = 5, plus an external weight.
    const std::vector<double> w = {0.1, -0.5, 0.1, 0.2};
    const auto f = bn::make_fixed_point_format(w, 100000);
    ASSERT_TRUE(f.exact) << f.reason;
    // 0.1 = 0x1.999999999999ap-4 has its lowest bit at 2^-55 and |0.5| < 2^0, so k = 55 and
    // 100000 < 2^17 additions need 0 + 55 + 17 = 72 bits: __int128, not int64.
    EXPECT_EQ(f.shift, 55);
    EXPECT_EQ(f.max_exponent, 0);
    EXPECT_EQ(f.sum_bits, 72);
    EXPECT_FALSE(f.fits_int64);
    EXPECT_TRUE(bn::make_fixed_point_format(std::vector<double>{0.125, -0.5}, 100000).fits_int64);
    // Each weight converts exactly: back-conversion of a single weight is the weight itself.
    for (double x: w) EXPECT_SAME_BITS(f.from_fixed(f.to_fixed(x)), x);
    // Sums: fixed-point result equals the superaccumulator's correctly rounded exact sum.
    std::mt19937_64 g(12);
    for (int trial = 0; trial < 20; ++trial) {
        bn::fixed_point_format::fixed_t acc = 0;
        bn::superaccumulator ref;
        const int n = int(g() % 100000);
        for (int i = 0; i < n; ++i) {
            const double x = w[g() % w.size()];
            acc += f.to_fixed(x);
            ref.add(x);
        }
        EXPECT_SAME_BITS(f.from_fixed(acc), ref.round());
    }
}

TEST(fixed_point_format, overflow_bound_is_tight_and_safe) {
    // One weight 1.5 (bits 2^0 and 2^-1): k = 1, e_max = 1, so N additions need 2 + ceil(log2 N).
    const std::vector<double> w = {1.5, -1.5};
    const std::size_t n_int64 = std::size_t{1} << 61;  // 2 + 61 = 63 bits: still int64
    auto f = bn::make_fixed_point_format(w, n_int64);
    ASSERT_TRUE(f.exact);
    EXPECT_EQ(f.sum_bits, 63);
    EXPECT_TRUE(f.fits_int64);
    EXPECT_FALSE(bn::make_fixed_point_format(w, n_int64 + 1).fits_int64);
    // The worst case of the bound, N * 3 (in units of 2^-1) for N = 2^61, is < 2^63.
    const auto q = static_cast<i128>(f.to_fixed64(1.5)) * static_cast<i128>(n_int64);
    EXPECT_LT(q, static_cast<i128>(std::numeric_limits<std::int64_t>::max()));
    EXPECT_SAME_BITS(f.from_fixed(q), 1.5 * 0x1p61);
}

TEST(fixed_point_format, detects_spreads_that_do_not_fit) {
    const std::vector<double> w = {1e30, 1e-30};  // ~200 bits apart
    const auto f = bn::make_fixed_point_format(w, 1000);
    EXPECT_FALSE(f.exact);
    EXPECT_NE(f.reason.find("127"), std::string::npos);
    EXPECT_FALSE(bn::make_fixed_point_format(std::vector<double>{1.0, inf}, 10).exact);
    // The bank falls back to superaccumulators and stays exact.
    bn::exact_accumulator_bank bank(f, 2);
    EXPECT_FALSE(bank.uses_fixed_point());
    bank.add(0, 1e30);
    bank.add(0, 1e-30);
    bank.add(0, -1e30);
    EXPECT_SAME_BITS(bank.value(0), 1e-30);
    // A weight outside the build-time set is refused by to_fixed, accepted by the bank's fallback.
    const auto g = bn::make_fixed_point_format(std::vector<double>{0.25, 0.5}, 10);
    ASSERT_TRUE(g.exact);
    EXPECT_FALSE(g.representable(0.1));
    EXPECT_FALSE(g.representable(4.0));  // exceeds e_max: would break the overflow bound
    EXPECT_THROW(g.to_fixed(0.1), brainsim::config_error);
    bn::exact_accumulator_bank fixed_bank(g, 3);
    EXPECT_TRUE(fixed_bank.uses_fixed_point());
    fixed_bank.add_fixed(2, g.to_fixed(0.25));
    fixed_bank.add(2, 0.5);
    EXPECT_SAME_BITS(fixed_bank.value(2), 0.75);
    EXPECT_SAME_BITS(fixed_bank.value(1), 0.0);
}

TEST(fixed_point_format, rounding_of_results_and_subnormal_weights) {
    // Weights 1 and 2^-60: a sum 1 + 2^-60 rounds to 1; 1 + 2^-53 + 2^-60 rounds up.
    const std::vector<double> w = {1.0, 0x1p-53, 0x1p-60};
    const auto f = bn::make_fixed_point_format(w, 16);
    ASSERT_TRUE(f.exact);
    EXPECT_SAME_BITS(f.from_fixed(f.to_fixed(1.0) + f.to_fixed(0x1p-60)), 1.0);
    EXPECT_SAME_BITS(f.from_fixed(f.to_fixed(1.0) + f.to_fixed(0x1p-53)), 1.0);  // tie to even
    EXPECT_SAME_BITS(f.from_fixed(f.to_fixed(1.0) + f.to_fixed(0x1p-53) + f.to_fixed(0x1p-60)), 1.0 + 0x1p-52);
    const std::vector<double> sub = {tiny, 3 * tiny};
    const auto fs = bn::make_fixed_point_format(sub, 4);
    ASSERT_TRUE(fs.exact);
    EXPECT_SAME_BITS(fs.from_fixed(fs.to_fixed(3 * tiny) - fs.to_fixed(tiny)), 2 * tiny);
}

TEST(accumulation, parse_and_print) {
    EXPECT_EQ(bn::parse_accumulation("exact"), bn::accumulation::exact);
    EXPECT_EQ(bn::parse_accumulation("ordered"), bn::accumulation::ordered);
    EXPECT_EQ(bn::parse_accumulation("fast"), bn::accumulation::fast);
    EXPECT_EQ(bn::to_string(bn::accumulation::ordered), "ordered");
    EXPECT_EQ(bn::default_accumulation, bn::accumulation::exact);
    try {
        bn::parse_accumulation("Exact");
        FAIL() << "no error";
    }
    catch (const brainsim::config_error& e) {
        EXPECT_EQ(e.parameter, "accumulation");
        EXPECT_NE(std::string(e.what()).find("one of: exact, ordered, fast"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("'Exact'"), std::string::npos);
    }
}
