// Counter-based RNG (Philox4x64-10): known-answer vectors, uniformity, normal moments, independence
// of neighbouring counters.
#include <brainsim/numeric/counter_rng.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using brainsim::numeric::philox4x64_10;

TEST(Philox4x64_10, KnownAnswerVectors) {
    // Random123 kat_vectors (philox4x64 10 rounds), also produced by numpy.random.Philox
    const auto a = philox4x64_10::generate({0, 0, 0, 0}, {0, 0});
    EXPECT_EQ(a[0], 0x16554d9eca36314cULL);
    EXPECT_EQ(a[1], 0xdb20fe9d672d0fdcULL);
    EXPECT_EQ(a[2], 0xd7e772cee186176bULL);
    EXPECT_EQ(a[3], 0x7e68b68aec7ba23bULL);
    const auto b = philox4x64_10::generate(
        {0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0xa4093822299f31d0ULL, 0x082efa98ec4e6c89ULL},
        {0x452821e638d01377ULL, 0xbe5466cf34e90c6cULL});
    EXPECT_EQ(b[0], 0xa528f45403e61d95ULL);
    EXPECT_EQ(b[1], 0x38c72dbd566e9788ULL);
    EXPECT_EQ(b[2], 0xa5a1610e72fd18b5ULL);
    EXPECT_EQ(b[3], 0x57bd43b5e52b7fe6ULL);
    // numpy.random.Philox(key=0, counter=0).random_raw(4) uses counter {1, 0, 0, 0}
    const auto c = philox4x64_10::generate({1, 0, 0, 0}, {0, 0});
    EXPECT_EQ(c[0], 0x02f4ba6408e4d89bULL);
    EXPECT_EQ(c[3], 0x907d7a052fd5b4dcULL);
}

TEST(Philox4x64_10, UniformsPassChiSquare) {
    // 64 bins, 400k uniforms from consecutive steps of one node: chi^2 with 63 dof, 99.99% bound ~ 117
    constexpr int bins = 64;
    std::vector<double> count(bins, 0.0);
    const int n = 100000;
    for (int s = 0; s < n; ++s) {
        for (double u: brainsim::numeric::uniforms4(42, 7, static_cast<std::uint64_t>(s), 3)) {
            ASSERT_GT(u, 0.0);
            ASSERT_LT(u, 1.0);
            count[static_cast<std::size_t>(u * bins)] += 1.0;
        }
    }
    const double expect = 4.0 * n / bins;
    double chi2 = 0.0;
    for (double c: count) chi2 += (c - expect) * (c - expect) / expect;
    EXPECT_LT(chi2, 117.0);
    EXPECT_GT(chi2, 30.0);  // not suspiciously uniform either (0.01% bound ~ 29)
}

TEST(Philox4x64_10, NormalMomentsAndNeighbourCorrelation) {
    const int n = 200000;
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0, cross = 0;
    for (int s = 0; s < n; ++s) {
        const auto z = brainsim::numeric::normals4(1, 2, static_cast<std::uint64_t>(s), 0);
        const auto w = brainsim::numeric::normals4(1, 2, static_cast<std::uint64_t>(s), 1);  // next node
        for (double x: z) {
            m1 += x;
            m2 += x * x;
            m3 += x * x * x;
            m4 += x * x * x * x;
        }
        cross += z[0] * w[0];
    }
    const double N = 4.0 * n;
    // standard errors: mean 1/sqrt(N), var sqrt(2/N), skew sqrt(15/N), kurt sqrt(96/N); 5 sigma bounds
    EXPECT_NEAR(m1 / N, 0.0, 5.0 / std::sqrt(N));
    EXPECT_NEAR(m2 / N, 1.0, 5.0 * std::sqrt(2.0 / N));
    EXPECT_NEAR(m3 / N, 0.0, 5.0 * std::sqrt(15.0 / N));
    EXPECT_NEAR(m4 / N, 3.0, 5.0 * std::sqrt(96.0 / N));
    EXPECT_NEAR(cross / n, 0.0, 5.0 / std::sqrt(double(n)));
}

TEST(Philox4x64_10, StreamsAndSeedsDiffer) {
    const auto a = philox4x64_10::generate({5, 6, 0, 0}, {1, 2});
    EXPECT_NE(a, philox4x64_10::generate({5, 6, 0, 0}, {2, 2}));
    EXPECT_NE(a, philox4x64_10::generate({5, 6, 0, 0}, {1, 3}));
    EXPECT_NE(a, philox4x64_10::generate({5, 7, 0, 0}, {1, 2}));
    EXPECT_EQ(a, philox4x64_10::generate({5, 6, 0, 0}, {1, 2}));
}

namespace {
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
}  // namespace

TEST(Ziggurat, TablesCloseTheLayers) {
    const auto& t = brainsim::numeric::ziggurat_tables::get();
    // the top layer reaches f = 1 with area v (consistency of r and v)
    EXPECT_NEAR(t.v, 4.928673233974658e-3, 1e-17);
    EXPECT_NEAR(t.x[255] * (1.0 - t.f[255]), t.v, 1e-13);
    EXPECT_EQ(t.x[1], brainsim::numeric::ziggurat_tables::r);
}

TEST(Ziggurat, KolmogorovSmirnovAndTails) {
    const int n = 400000;
    std::vector<double> z;
    z.reserve(4 * n);
    for (int s = 0; s < n; ++s)
        for (double v: brainsim::numeric::ziggurat4(9, 1, static_cast<std::uint64_t>(s), 5)) z.push_back(v);
    std::sort(z.begin(), z.end());
    const double N = static_cast<double>(z.size());
    double dmax = 0.0;
    for (std::size_t k = 0; k < z.size(); ++k) {
        const double F = normal_cdf(z[k]);
        dmax = std::max({dmax, std::abs(F - k / N), std::abs(F - (k + 1) / N)});
    }
    EXPECT_LT(dmax, 1.95 / std::sqrt(N));  // KS 0.1% critical value
    // tail beyond r (the slow path) and beyond 4.5 sigma have the right mass (5 sigma binomial bounds)
    for (double cut: {brainsim::numeric::ziggurat_tables::r, 4.5}) {
        const double p = 2.0 * normal_cdf(-cut);
        const double count = static_cast<double>(std::count_if(z.begin(), z.end(), [&](double v) { return std::abs(v) > cut; }));
        EXPECT_NEAR(count / N, p, 5.0 * std::sqrt(p / N));
    }
    double m2 = 0.0, m4 = 0.0;
    for (double v: z) {
        m2 += v * v;
        m4 += v * v * v * v;
    }
    EXPECT_NEAR(m2 / N, 1.0, 5.0 * std::sqrt(2.0 / N));
    EXPECT_NEAR(m4 / N, 3.0, 5.0 * std::sqrt(96.0 / N));
}

TEST(Ziggurat, BatchedRunEqualsPerBlockCalls) {
    // ziggurat4_run (two interleaved Philox blocks at a time) gives the numbers of ziggurat4 per block,
    // including blocks whose draws take the slow (rejection / tail) path
    const std::uint64_t b0 = 37, b1 = 37 + 2001;  // odd count: the last block alone
    std::vector<double> z(4 * (b1 - b0));
    brainsim::numeric::ziggurat4_run(11, 3, b0, b1, 42, z.data());
    int slow = 0;
    for (std::uint64_t b = b0; b < b1; ++b) {
        const auto ref = brainsim::numeric::ziggurat4(11, 3, b, 42);
        for (std::size_t q = 0; q < 4; ++q) {
            ASSERT_EQ(z[4 * (b - b0) + q], ref[q]) << "block " << b << " normal " << q;
            const auto w = brainsim::numeric::philox4x64_10::generate({b, 42, 0, 0}, {11, 3})[q];
            const auto& t = brainsim::numeric::ziggurat_tables::get();
            slow += !(static_cast<double>(w >> 11) * 0x1.0p-53 < t.ratio[w & 0xFF]);
        }
    }
    EXPECT_GT(slow, 20);  // ~1.2% of 8004 draws
}
