// Connection rules: exact counts, multapse/autapse options, and independence from the partitioning.
#include <brainsim/errors.hpp>
#include <brainsim/network/connect.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

using namespace brainsim;
using network::rule_spec;

namespace {

network::generated_synapses gen(const rule_spec& r, std::uint64_t npre, std::uint64_t npost, bool same,
                                std::uint64_t b0, std::uint64_t b1, std::uint64_t seed = 7) {
    network::connect_request q;
    q.rule = &r;
    q.n_pre = npre;
    q.n_post = npost;
    q.same_population = same;
    q.seed = seed;
    q.stream = 99;
    q.post_begin = b0;
    q.post_end = b1;
    network::generated_synapses g;
    network::generate(q, g);
    return g;
}

// The union of the generated synapses over a split of the targets into `parts` ranges.
network::generated_synapses split(const rule_spec& r, std::uint64_t npre, std::uint64_t npost, bool same, unsigned parts) {
    network::generated_synapses all;
    for (unsigned p = 0; p < parts; ++p) {
        auto g = gen(r, npre, npost, same, npost * p / parts, npost * (p + 1) / parts);
        all.pre.insert(all.pre.end(), g.pre.begin(), g.pre.end());
        all.post.insert(all.post.end(), g.post.begin(), g.post.end());
        all.key.insert(all.key.end(), g.key.begin(), g.key.end());
    }
    return all;
}

rule_spec make(rule_spec::kind k, std::uint64_t n = 0, double p = 0, bool replace = true, bool autapses = true) {
    rule_spec r;
    r.k = k;
    r.n = n;
    r.p = p;
    r.replace = replace;
    r.autapses = autapses;
    return r;
}

}  // namespace

TEST(connect, every_rule_is_independent_of_the_partitioning) {
    using K = rule_spec::kind;
    for (auto r: {make(K::all_to_all), make(K::one_to_one), make(K::fixed_probability, 0, 0.1),
                  make(K::fixed_indegree, 7), make(K::fixed_indegree, 7, 0, false, false),
                  make(K::fixed_outdegree, 5), make(K::fixed_outdegree, 5, 0, false, false),
                  make(K::fixed_total_number, 500)}) {
        auto a = split(r, 60, 60, true, 1);
        for (unsigned parts: {2u, 3u, 7u}) {
            auto b = split(r, 60, 60, true, parts);
            EXPECT_EQ(a.pre, b.pre) << "rule " << int(r.k) << " parts " << parts;
            EXPECT_EQ(a.post, b.post);
            EXPECT_EQ(a.key, b.key);
        }
    }
}

TEST(connect, fixed_indegree_exact_counts_and_replacement) {
    using K = rule_spec::kind;
    auto g = gen(make(K::fixed_indegree, 30, 0, false, false), 40, 50, true, 0, 50);
    ASSERT_EQ(g.size(), 30u * 50u);
    for (std::uint32_t b = 0; b < 50; ++b) {
        std::set<std::uint32_t> src;
        for (std::size_t s = 0; s < g.size(); ++s)
            if (g.post[s] == b) {
                EXPECT_TRUE(src.insert(g.pre[s]).second) << "multapse without replacement";
                EXPECT_NE(g.pre[s], b) << "autapse although forbidden";
            }
        EXPECT_EQ(src.size(), b < 40 ? 30u : 30u);
    }
    // all 39 other sources when k = n - 1 without replacement and without autapses
    auto full = gen(make(K::fixed_indegree, 39, 0, false, false), 40, 40, true, 0, 40);
    EXPECT_EQ(full.size(), 40u * 39u);
    EXPECT_THROW(network::validate_rule(make(K::fixed_indegree, 40, 0, false, false), 40, 40, true), config_error);
}

TEST(connect, fixed_indegree_with_replacement_draws_uniform_sources) {
    using K = rule_spec::kind;
    // 200 targets x 500 draws over 10 sources: each source count ~ Binomial(1e5, 0.1), sd ~ 95
    auto g = gen(make(K::fixed_indegree, 500), 10, 200, false, 0, 200);
    std::vector<int> count(10, 0);
    for (auto a: g.pre) ++count[a];
    for (int c: count) EXPECT_NEAR(c, 10000, 5 * 95);
}

TEST(connect, fixed_outdegree_exact_counts) {
    using K = rule_spec::kind;
    auto g = gen(make(K::fixed_outdegree, 12, 0, false, true), 30, 20, false, 0, 20);
    std::vector<int> out(30, 0);
    for (auto a: g.pre) ++out[a];
    for (int c: out) EXPECT_EQ(c, 12);
    // canonical order: by target
    EXPECT_TRUE(std::is_sorted(g.post.begin(), g.post.end()));
}

TEST(connect, fixed_probability_count_is_binomial) {
    using K = rule_spec::kind;
    // 400 x 400 pairs, p = 0.05: mean 8000, sd = sqrt(8000 * 0.95) = 87
    auto g = gen(make(K::fixed_probability, 0, 0.05), 400, 400, true, 0, 400);
    EXPECT_NEAR(static_cast<double>(g.size()), 8000.0, 5 * 87.2);
    std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
    for (std::size_t s = 0; s < g.size(); ++s) EXPECT_TRUE(pairs.insert({g.pre[s], g.post[s]}).second);
    // autapses excluded on request
    auto h = gen(make(K::fixed_probability, 0, 1.0, true, false), 10, 10, true, 0, 10);
    EXPECT_EQ(h.size(), 90u);
}

TEST(connect, fixed_total_number_and_explicit) {
    using K = rule_spec::kind;
    auto g = gen(make(K::fixed_total_number, 1234), 17, 19, false, 0, 19);
    EXPECT_EQ(g.size(), 1234u);
    rule_spec e = make(K::explicit_pairs);
    e.pre = {0, 2, 1};
    e.post = {1, 0, 1};
    auto x = gen(e, 3, 2, false, 0, 2);
    ASSERT_EQ(x.size(), 3u);
    EXPECT_EQ(x.post, (std::vector<std::uint32_t>{0, 1, 1}));
    EXPECT_EQ(x.pre, (std::vector<std::uint32_t>{2, 0, 1}));
    e.post = {1, 5, 1};
    EXPECT_THROW(network::validate_rule(e, 3, 2, false), config_error);
}

TEST(connect, invalid_rules_name_the_parameter) {
    using K = rule_spec::kind;
    try {
        network::validate_rule(make(K::fixed_probability, 0, std::nan("")), 3, 3, false);
        FAIL();
    }
    catch (const config_error& e) {
        EXPECT_EQ(e.parameter, "p");
    }
    EXPECT_THROW(network::validate_rule(make(K::one_to_one), 3, 4, false), config_error);
    EXPECT_THROW(network::validate_rule(make(K::fixed_total_number, 3, 0, false), 3, 4, false), config_error);
}
