// n ranks in one process: each rank is a thread; collectives meet at a generation-counted barrier.
#include <brainsim/comm/communicator.hpp>
#include <brainsim/errors.hpp>

#include <algorithm>
#include <cstring>
#include <condition_variable>
#include <mutex>

namespace brainsim::comm {
namespace {

struct loopback_shared {
    explicit loopback_shared(int n): n(n), slots(n) {}
    const int n;
    std::mutex mutex;
    std::condition_variable cv;
    int arrived = 0;
    std::uint64_t generation = 0;
    std::vector<std::vector<std::byte>> slots;

    // Block until all n ranks have called; the last to arrive runs `on_complete` under the lock.
    template <typename F>
    void arrive_and_wait(F&& on_complete) {
        std::unique_lock lock(mutex);
        const auto gen = generation;
        if (++arrived == n) {
            on_complete();
            arrived = 0;
            ++generation;
            cv.notify_all();
        }
        else {
            cv.wait(lock, [&] { return generation != gen; });
        }
    }
};

class loopback_impl final: public communicator_impl {
public:
    loopback_impl(std::shared_ptr<loopback_shared> s, int rank): shared_(std::move(s)), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return shared_->n; }
    std::string name() const override { return "loopback"; }

    gathered<std::byte> all_gather_bytes(std::span<const std::byte> local) const override {
        {
            std::lock_guard lock(shared_->mutex);
            shared_->slots[rank_].assign(local.begin(), local.end());
        }
        gathered<std::byte> out;
        shared_->arrive_and_wait([] {});
        {
            std::lock_guard lock(shared_->mutex);
            out.offsets.push_back(0);
            for (const auto& s: shared_->slots) {
                out.values.insert(out.values.end(), s.begin(), s.end());
                out.offsets.push_back(out.values.size());
            }
        }
        // Nobody may overwrite a slot before every rank has read them all.
        shared_->arrive_and_wait([] {});
        return out;
    }

    std::int64_t all_reduce_min(std::int64_t x) const override {
        auto v = gather_values(x);
        return *std::min_element(v.begin(), v.end());
    }
    std::int64_t all_reduce_max(std::int64_t x) const override {
        auto v = gather_values(x);
        return *std::max_element(v.begin(), v.end());
    }
    std::int64_t all_reduce_sum(std::int64_t x) const override {
        std::int64_t s = 0;
        for (auto y: gather_values(x)) s += y;
        return s;
    }
    void barrier() const override { shared_->arrive_and_wait([] {}); }

private:
    std::vector<std::int64_t> gather_values(std::int64_t x) const {
        auto g = all_gather_bytes(std::as_bytes(std::span<const std::int64_t>(&x, 1)));
        std::vector<std::int64_t> v(g.values.size() / sizeof(std::int64_t));
        std::memcpy(v.data(), g.values.data(), g.values.size());
        return v;
    }
    std::shared_ptr<loopback_shared> shared_;
    int rank_;
};

}  // namespace

std::vector<communicator> make_loopback_communicators(int n) {
    if (!(n >= 1)) throw config_error("ranks", std::to_string(n), ">= 1");
    auto shared = std::make_shared<loopback_shared>(n);
    std::vector<communicator> out;
    out.reserve(n);
    for (int r = 0; r < n; ++r) out.emplace_back(std::make_shared<loopback_impl>(shared, r));
    return out;
}

}  // namespace brainsim::comm
