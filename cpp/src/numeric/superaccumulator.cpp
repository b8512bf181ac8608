// superaccumulator: carry propagation, rounding, products, merging, serialization.
// The vectorised bulk kernels (add(span), add_products) are in sum_kernels.cpp.
#include <brainsim/numeric/superaccumulator.hpp>

#include <brainsim/errors.hpp>
#include <brainsim/numeric/detail/sha256.hpp>

#include <cstring>
#include <limits>

#if defined(__FAST_MATH__)
#error "brainsim's exact summation needs IEEE arithmetic: do not compile it with -ffast-math"
#endif

namespace brainsim::numeric {

namespace {
constexpr std::int64_t digit_mask = 0xffffffff;

struct decomposed {
    std::uint64_t m;  // integer mantissa (< 2^53)
    int e;            // exponent of its lowest bit
    bool negative;
    int kind;         // 0 finite, 1 inf, 2 nan
};

decomposed decompose(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
    decomposed d{bits & ((std::uint64_t{1} << 52) - 1), -1074, (bits >> 63) != 0, 0};
    if (biased == 0x7ff) {
        d.kind = d.m != 0 ? 2 : 1;
    }
    else if (biased != 0) {
        d.m |= std::uint64_t{1} << 52;
        d.e = biased - 1075;
    }
    return d;
}

void put_u32(std::vector<std::byte>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}
void put_u64(std::vector<std::byte>& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::byte>(v >> (8 * i)));
}
std::uint64_t get_le(std::span<const std::byte> b, std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::uint64_t(std::to_integer<std::uint8_t>(b[at + i])) << (8 * i);
    return v;
}
}  // namespace

void superaccumulator::normalize() {
    for (int i = 0; i < num_limbs - 1; ++i) {
        const std::int64_t carry = limb_[i] >> digit_bits;  // floor division by 2^32
        limb_[i] &= digit_mask;
        limb_[i + 1] += carry;
    }
    pending_ = 0;
}

void superaccumulator::add_product(double a, double b) {
    const decomposed x = decompose(a), y = decompose(b);
    if (x.kind != 0 || y.kind != 0) {
        if (x.kind == 2 || y.kind == 2) {
            special_ |= nan_flag;
        }
        else if ((x.kind == 0 && x.m == 0) || (y.kind == 0 && y.m == 0)) {
            special_ |= nan_flag;  // inf * 0
        }
        else {
            special_ |= (x.negative != y.negative) ? neg_inf_flag : pos_inf_flag;
        }
        return;
    }
    if (x.m == 0 || y.m == 0) return;
    const detail::u128 m = detail::u128(x.m) * y.m;  // < 2^106
    const int pos = x.e + y.e - lowest_exponent;     // >= 28
    const int i = pos >> 5;
    const int sh = pos & 31;
    const std::int64_t s = -std::int64_t(x.negative != y.negative);
    const auto d0 = static_cast<std::int64_t>(static_cast<std::uint64_t>(m << sh) & digit_mask);
    const auto d1 = static_cast<std::int64_t>(static_cast<std::uint64_t>(m >> (32 - sh)) & digit_mask);
    const auto d2 = static_cast<std::int64_t>(static_cast<std::uint64_t>(m >> (64 - sh)) & digit_mask);
    const auto d3 = static_cast<std::int64_t>(static_cast<std::uint64_t>(m >> (96 - sh)));  // < 2^41
    limb_[i] += (d0 ^ s) - s;
    limb_[i + 1] += (d1 ^ s) - s;
    limb_[i + 2] += (d2 ^ s) - s;
    limb_[i + 3] += (d3 ^ s) - s;
    if (++pending_ >= max_pending) normalize();
}

void superaccumulator::merge(const superaccumulator& other) {
    superaccumulator o = other;
    o.normalize();
    normalize();
    // Both are now digits in [0, 2^32) (top limb small): the limb-wise sum cannot overflow.
    for (int i = 0; i < num_limbs; ++i) limb_[i] += o.limb_[i];
    special_ |= o.special_;
    normalize();
}

double superaccumulator::round() const {
    if (special_ != 0) {
        if (is_nan()) return std::numeric_limits<double>::quiet_NaN();
        return (special_ & pos_inf_flag) ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity();
    }
    superaccumulator a = *this;
    a.normalize();
    const bool negative = a.limb_[num_limbs - 1] < 0;
    if (negative) {
        for (auto& l: a.limb_) l = -l;
        a.normalize();
    }
    // |value| >= 2^(32*(N-1) - 2176) = 2^2144: far beyond the double range.
    if (a.limb_[num_limbs - 1] != 0) {
        return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    }
    int h = num_limbs - 2;
    while (h >= 0 && a.limb_[h] == 0) --h;
    if (h < 0) return 0.0;
    // The four digits from h down form a 128-bit window; everything below is a sticky bit.
    detail::u128 window = 0;
    for (int k = 0; k < 4; ++k) {
        const int j = h - k;
        window = (window << 32) | detail::u128(j >= 0 ? static_cast<std::uint64_t>(a.limb_[j]) : 0);
    }
    bool sticky = false;
    for (int j = h - 4; j >= 0; --j) sticky = sticky || a.limb_[j] != 0;
    const int exp2 = digit_bits * (h - 3) + lowest_exponent;
    // window has its top bit within its upper 32 bits, so at least 97 significant bits.
    const auto hi = static_cast<std::uint64_t>(window >> 64);
    const int lz = std::countl_zero(hi);
    const detail::u128 aligned = window << lz;
    const auto top = static_cast<std::uint64_t>(aligned >> 64);
    sticky = sticky || static_cast<std::uint64_t>(aligned) != 0;
    return detail::round_to_double(negative, top, exp2 + 64 - lz, sticky);
}

std::vector<std::byte> superaccumulator::serialize() const {
    superaccumulator a = *this;
    a.normalize();
    int first = 0, last = num_limbs - 1;
    while (first < num_limbs && a.limb_[first] == 0) ++first;
    while (last >= first && a.limb_[last] == 0) --last;
    const int count = last >= first ? last - first + 1 : 0;
    if (count == 0) first = 0;
    std::vector<std::byte> out;
    out.reserve(16 + 8 * std::size_t(count));
    for (char c: {'B', 'S', 'A', '1'}) out.push_back(static_cast<std::byte>(c));
    out.push_back(static_cast<std::byte>(special_));
    for (int i = 0; i < 3; ++i) out.push_back(std::byte{0});
    put_u32(out, static_cast<std::uint32_t>(first));
    put_u32(out, static_cast<std::uint32_t>(count));
    for (int i = 0; i < count; ++i) put_u64(out, static_cast<std::uint64_t>(a.limb_[first + i]));
    return out;
}

superaccumulator superaccumulator::deserialize(std::span<const std::byte> bytes) {
    auto corrupt = [&](const std::string& why) {
        return io_error("superaccumulator bytes are corrupt (" + why + "; " + std::to_string(bytes.size()) +
                        " bytes); expected the output of superaccumulator::serialize");
    };
    if (bytes.size() < 16) throw corrupt("too short");
    const char magic[4] = {'B', 'S', 'A', '1'};
    for (int i = 0; i < 4; ++i)
        if (std::to_integer<char>(bytes[i]) != magic[i]) throw corrupt("bad magic");
    const auto flags = std::to_integer<std::uint8_t>(bytes[4]);
    if (flags > 7 || get_le(bytes, 5, 3) != 0) throw corrupt("bad flags");
    const auto first = static_cast<std::int64_t>(get_le(bytes, 8, 4));
    const auto count = static_cast<std::int64_t>(get_le(bytes, 12, 4));
    if (first < 0 || count < 0 || first + count > num_limbs) throw corrupt("limb range out of bounds");
    if (bytes.size() != 16 + 8 * std::size_t(count)) throw corrupt("length does not match limb count");
    superaccumulator a;
    a.special_ = flags;
    for (std::int64_t i = 0; i < count; ++i) {
        const auto v = static_cast<std::int64_t>(get_le(bytes, 16 + 8 * std::size_t(i), 8));
        const std::int64_t idx = first + i;
        if (idx < num_limbs - 1 && (v < 0 || v > digit_mask)) throw corrupt("limb not normalised");
        a.limb_[idx] = v;
    }
    return a;
}

std::string superaccumulator::digest() const {
    const auto bytes = serialize();
    return detail::sha256::hex_digest(bytes);
}

void superaccumulator::all_reduce(const comm::communicator& comm) {
    const auto mine = serialize();
    const auto all = comm.all_gather_bytes(mine);
    superaccumulator total;
    for (int r = 0; r < comm.size(); ++r) {
        const auto part = std::span<const std::byte>(all.values.data() + all.offsets[r],
                                                     all.offsets[r + 1] - all.offsets[r]);
        total.merge(deserialize(part));
    }
    *this = total;
}

bool superaccumulator::operator==(const superaccumulator& other) const {
    superaccumulator a = *this, b = other;
    a.normalize();
    b.normalize();
    return a.special_ == b.special_ && a.limb_ == b.limb_;
}

double exact_sum(std::span<const double> xs) {
    superaccumulator acc;
    acc.add(xs);
    return acc.round();
}

double exact_dot(std::span<const double> a, std::span<const double> b) {
    superaccumulator acc;
    acc.add_products(a, b);
    return acc.round();
}

}  // namespace brainsim::numeric
