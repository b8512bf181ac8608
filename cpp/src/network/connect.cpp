#include <brainsim/errors.hpp>
#include <brainsim/network/connect.hpp>
#include <brainsim/network/random.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace brainsim::network {

double draw_value(const value_spec& v, keyed_stream& rng, const char* what) {
    switch (v.k) {
        case value_spec::kind::constant: return v.a;
        case value_spec::kind::uniform: return v.a + (v.b - v.a) * rng.uniform();
        case value_spec::kind::normal: {
            for (int attempt = 0; attempt < 10000; ++attempt) {
                double x = v.a + v.b * rng.normal();
                if (x >= v.low && x <= v.high) return x;
                if (v.mode == value_spec::bounds::clip) return std::clamp(x, v.low, v.high);
            }
            throw config_error(what, "normal(" + detail::repr(v.a) + ", " + detail::repr(v.b) + ")",
                               "a distribution with non-negligible mass inside [" + detail::repr(v.low) +
                                   ", " + detail::repr(v.high) + "] (10000 redraws failed)");
        }
        case value_spec::kind::array: break;
    }
    throw internal_error("draw_value on an array value");
}

namespace {

using kind = rule_spec::kind;

std::string rule_name(kind k) {
    switch (k) {
        case kind::all_to_all: return "all_to_all";
        case kind::one_to_one: return "one_to_one";
        case kind::fixed_probability: return "fixed_probability";
        case kind::fixed_indegree: return "fixed_indegree";
        case kind::fixed_outdegree: return "fixed_outdegree";
        case kind::fixed_total_number: return "fixed_total_number";
        case kind::explicit_pairs: return "explicit";
    }
    return "?";
}

// Marks for Floyd's sampling without replacement (one bitmap per call, cleared after use).
struct marks {
    std::vector<std::uint64_t> bits;
    explicit marks(std::uint64_t n): bits((n + 63) / 64, 0) {}
    bool test(std::uint64_t i) const { return (bits[i >> 6] >> (i & 63)) & 1u; }
    void set(std::uint64_t i) { bits[i >> 6] |= std::uint64_t{1} << (i & 63); }
    void reset(std::uint64_t i) { bits[i >> 6] &= ~(std::uint64_t{1} << (i & 63)); }
};

// k distinct values in [0, m) (Floyd 1987), sorted ascending.
void floyd_sample(keyed_stream& rng, std::uint64_t m, std::uint64_t k, marks& mk, std::vector<std::uint64_t>& out) {
    out.clear();
    for (std::uint64_t j = m - k; j < m; ++j) {
        std::uint64_t t = rng.below(j + 1);
        std::uint64_t pick = mk.test(t) ? j : t;
        mk.set(pick);
        out.push_back(pick);
    }
    for (auto v: out) mk.reset(v);
    std::sort(out.begin(), out.end());
}

}  // namespace

void validate_rule(const rule_spec& r, std::uint64_t n_pre, std::uint64_t n_post, bool same_pop) {
    const std::string ctx = "connection rule " + rule_name(r.k);
    if (n_pre > std::numeric_limits<std::uint32_t>::max() || n_post > std::numeric_limits<std::uint32_t>::max())
        throw config_error("n", std::to_string(std::max(n_pre, n_post)), "< 2^32 neurons per population", ctx);
    switch (r.k) {
        case kind::fixed_probability:
            if (!(r.p >= 0.0 && r.p <= 1.0)) throw config_error("p", detail::repr(r.p), "a probability in [0, 1]", ctx);
            break;
        case kind::one_to_one:
            if (n_pre != n_post)
                throw config_error("pre/post sizes", std::to_string(n_pre) + " vs " + std::to_string(n_post),
                                   "equal sizes for one_to_one", ctx);
            break;
        case kind::fixed_indegree:
            if (n_pre == 0 && r.n > 0) throw config_error("indegree", std::to_string(r.n), "0 (empty source set)", ctx);
            if (!r.replace && r.n > n_pre - ((same_pop && !r.autapses) ? 1 : 0))
                throw config_error("indegree", std::to_string(r.n),
                                   "<= the number of possible sources (" + std::to_string(n_pre) +
                                       ") when drawing without replacement", ctx);
            break;
        case kind::fixed_outdegree:
            if (n_post == 0 && r.n > 0) throw config_error("outdegree", std::to_string(r.n), "0 (empty target set)", ctx);
            if (!r.replace && r.n > n_post - ((same_pop && !r.autapses) ? 1 : 0))
                throw config_error("outdegree", std::to_string(r.n),
                                   "<= the number of possible targets (" + std::to_string(n_post) +
                                       ") when drawing without replacement", ctx);
            break;
        case kind::fixed_total_number:
            if (!r.replace) throw config_error("replace", "False", "True (fixed_total_number draws pairs with replacement)", ctx);
            if ((n_pre == 0 || n_post == 0) && r.n > 0) throw config_error("n", std::to_string(r.n), "0 (empty set)", ctx);
            if (!r.autapses && same_pop && n_pre == 1 && n_post == 1 && r.n > 0)
                throw config_error("autapses", "False", "True (the only possible pair is an autapse)", ctx);
            break;
        case kind::explicit_pairs:
            if (r.pre.size() != r.post.size())
                throw config_error("pre/post", "lengths " + std::to_string(r.pre.size()) + " and " + std::to_string(r.post.size()),
                                   "arrays of equal length", ctx);
            for (std::size_t i = 0; i < r.pre.size(); ++i) {
                if (!(r.pre[i] < n_pre)) throw config_error("pre[" + std::to_string(i) + "]", std::to_string(r.pre[i]), "< " + std::to_string(n_pre), ctx);
                if (!(r.post[i] < n_post)) throw config_error("post[" + std::to_string(i) + "]", std::to_string(r.post[i]), "< " + std::to_string(n_post), ctx);
            }
            break;
        case kind::all_to_all: break;
    }
}

void generate(const connect_request& q, generated_synapses& out) {
    const rule_spec& r = *q.rule;
    const auto pre_pop = [&](std::uint64_t a) { return q.pre_ids ? (*q.pre_ids)[a] : a; };
    const auto post_pop = [&](std::uint64_t b) { return q.post_ids ? (*q.post_ids)[b] : b; };
    const bool check_self = q.same_population && !r.autapses;
    const auto is_self = [&](std::uint64_t a, std::uint64_t b) { return check_self && pre_pop(a) == post_pop(b); };
    auto push = [&](std::uint64_t a, std::uint64_t b, std::uint64_t key) {
        out.pre.push_back(static_cast<std::uint32_t>(a));
        out.post.push_back(static_cast<std::uint32_t>(b));
        out.key.push_back(key);
    };
    const std::uint64_t b0 = q.post_begin, b1 = std::min(q.post_end, q.n_post);
    // position of target b's own neuron in the pre set (-1 if absent)
    auto self_pos = [&](std::uint64_t b) -> std::int64_t {
        if (!check_self) return -1;
        std::uint64_t pb = post_pop(b);
        if (q.pre_pos_of) return pb < q.pre_pos_of->size() ? (*q.pre_pos_of)[pb] : -1;
        return pb < q.n_pre ? static_cast<std::int64_t>(pb) : -1;
    };

    switch (r.k) {
        case kind::all_to_all:
            for (std::uint64_t b = b0; b < b1; ++b)
                for (std::uint64_t a = 0; a < q.n_pre; ++a)
                    if (!is_self(a, b)) push(a, b, (b << 32) | a);
            break;
        case kind::one_to_one:
            for (std::uint64_t b = b0; b < b1; ++b)
                if (!is_self(b, b)) push(b, b, b << 32);
            break;
        case kind::explicit_pairs: {
            // canonical: by target, then in the given order
            std::vector<std::uint64_t> idx;
            for (std::uint64_t i = 0; i < r.pre.size(); ++i)
                if (r.post[i] >= b0 && r.post[i] < b1) idx.push_back(i);
            std::stable_sort(idx.begin(), idx.end(), [&](auto x, auto y) { return r.post[x] < r.post[y]; });
            for (auto i: idx) push(r.pre[i], r.post[i], i);
            break;
        }
        case kind::fixed_probability: {
            if (r.p <= 0.0) break;
            const double log1mp = std::log1p(-r.p);
            for (std::uint64_t b = b0; b < b1; ++b) {
                keyed_stream rng(q.seed, q.stream, b, 0, 1);
                std::uint64_t m = 0;
                if (r.p >= 1.0) {
                    for (std::uint64_t a = 0; a < q.n_pre; ++a)
                        if (!is_self(a, b)) push(a, b, (b << 32) | m++);
                    continue;
                }
                // geometric skips between successes of independent Bernoulli(p) trials
                double a = -1.0;
                for (;;) {
                    a += 1.0 + std::floor(std::log(rng.uniform()) / log1mp);
                    if (!(a < static_cast<double>(q.n_pre))) break;
                    auto ai = static_cast<std::uint64_t>(a);
                    if (!is_self(ai, b)) push(ai, b, (b << 32) | m++);
                }
            }
            break;
        }
        case kind::fixed_indegree: {
            marks mk(r.replace ? 0 : q.n_pre);
            std::vector<std::uint64_t> pick;
            for (std::uint64_t b = b0; b < b1; ++b) {
                keyed_stream rng(q.seed, q.stream, b, 0, 2);
                std::int64_t self = self_pos(b);
                if (r.replace) {
                    for (std::uint64_t m = 0; m < r.n; ++m) {
                        std::uint64_t a;
                        do a = rng.below(q.n_pre);
                        while (static_cast<std::int64_t>(a) == self);
                        push(a, b, (b << 32) | m);
                    }
                }
                else {
                    std::uint64_t avail = q.n_pre - (self >= 0 ? 1 : 0);
                    floyd_sample(rng, avail, r.n, mk, pick);
                    std::uint64_t m = 0;
                    for (auto v: pick) {
                        std::uint64_t a = (self >= 0 && static_cast<std::int64_t>(v) >= self) ? v + 1 : v;
                        push(a, b, (b << 32) | m++);
                    }
                }
            }
            break;
        }
        case kind::fixed_outdegree: {
            // every generator walks all sources; keep targets in range, then order by target
            generated_synapses tmp;
            marks mk(r.replace ? 0 : q.n_post);
            std::vector<std::uint64_t> pick;
            std::vector<std::int64_t> post_pos;  // pop index -> post set index, for autapse exclusion
            if (check_self) {
                std::uint64_t mx = 0;
                for (std::uint64_t b = 0; b < q.n_post; ++b) mx = std::max(mx, post_pop(b) + 1);
                post_pos.assign(mx, -1);
                for (std::uint64_t b = 0; b < q.n_post; ++b) post_pos[post_pop(b)] = static_cast<std::int64_t>(b);
            }
            for (std::uint64_t a = 0; a < q.n_pre; ++a) {
                keyed_stream rng(q.seed, q.stream, a, 0, 3);
                std::int64_t self = -1;
                if (check_self) {
                    std::uint64_t pa = pre_pop(a);
                    self = pa < post_pos.size() ? post_pos[pa] : -1;
                }
                auto keep = [&](std::uint64_t b, std::uint64_t m) {
                    if (b >= b0 && b < b1) {
                        tmp.pre.push_back(static_cast<std::uint32_t>(a));
                        tmp.post.push_back(static_cast<std::uint32_t>(b));
                        tmp.key.push_back((a << 32) | m);
                    }
                };
                if (r.replace) {
                    for (std::uint64_t m = 0; m < r.n; ++m) {
                        std::uint64_t b;
                        do b = rng.below(q.n_post);
                        while (static_cast<std::int64_t>(b) == self);
                        keep(b, m);
                    }
                }
                else {
                    std::uint64_t avail = q.n_post - (self >= 0 ? 1 : 0);
                    floyd_sample(rng, avail, r.n, mk, pick);
                    std::uint64_t m = 0;
                    for (auto v: pick) keep((self >= 0 && static_cast<std::int64_t>(v) >= self) ? v + 1 : v, m++);
                }
            }
            std::vector<std::size_t> idx(tmp.size());
            for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
            std::stable_sort(idx.begin(), idx.end(), [&](auto x, auto y) { return tmp.post[x] < tmp.post[y]; });
            for (auto i: idx) push(tmp.pre[i], tmp.post[i], tmp.key[i]);
            break;
        }
        case kind::fixed_total_number: {
            generated_synapses tmp;
            for (std::uint64_t i = 0; i < r.n; ++i) {
                keyed_stream rng(q.seed, q.stream, i, 0, 4);
                std::uint64_t b = rng.below(q.n_post);
                if (b < b0 || b >= b1) continue;
                std::uint64_t a;
                do a = rng.below(q.n_pre);
                while (is_self(a, b));
                tmp.pre.push_back(static_cast<std::uint32_t>(a));
                tmp.post.push_back(static_cast<std::uint32_t>(b));
                tmp.key.push_back(i);
            }
            std::vector<std::size_t> idx(tmp.size());
            for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
            std::stable_sort(idx.begin(), idx.end(), [&](auto x, auto y) { return tmp.post[x] < tmp.post[y]; });
            for (auto i: idx) push(tmp.pre[i], tmp.post[i], tmp.key[i]);
            break;
        }
    }
}

}  // namespace brainsim::network
