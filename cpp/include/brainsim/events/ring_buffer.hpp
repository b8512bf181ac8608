#pragma once
// Delay ring buffer: for each of L future steps, one accumulator per (neuron, receptor).
// Layout slot-major, then neuron, then receptor, so the update of step j reads one contiguous row.
// Delivery of an event with delay d emitted in step k adds to slot (k + d) mod L; the engine
// guarantees L > max delay and that a slot is read (and cleared) before it is reused.
//
// T = double (ordered / fast accumulation) or std::uint64_t (exact: two's complement fixed point;
// unsigned wrap-around makes intermediate overflow harmless — only the final sum must fit in int64).

#include <cstddef>
#include <cstdint>
#include <vector>

namespace brainsim::event {

template <typename T>
class delay_ring {
public:
    delay_ring() = default;
    delay_ring(std::size_t slots, std::size_t neurons, std::size_t receptors):
        L_(slots), n_(neurons), R_(receptors), data_(slots * neurons * receptors, T{}) {}

    std::size_t slots() const { return L_; }
    std::size_t row_size() const { return n_ * R_; }
    std::size_t receptors() const { return R_; }
    std::size_t slot_of(std::int64_t step) const { return static_cast<std::size_t>(step % static_cast<std::int64_t>(L_)); }
    T* row(std::int64_t step) { return data_.data() + slot_of(step) * n_ * R_; }
    T* data() { return data_.data(); }
    void add(std::int64_t step, std::size_t neuron, std::size_t receptor, T w) {
        row(step)[neuron * R_ + receptor] += w;
    }
    std::size_t bytes() const { return data_.capacity() * sizeof(T); }

private:
    std::size_t L_ = 0, n_ = 0, R_ = 0;
    std::vector<T> data_;
};

}  // namespace brainsim::event
