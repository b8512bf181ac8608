#pragma once
// Delay ring buffer: for each of L future steps, one accumulator per (receptor, neuron).
// Layout slot-major, then receptor, then neuron: the update of step j reads, per receptor, one
// contiguous array over the neurons (unit stride, so the read-and-clear pass vectorises), and a
// delivery into receptor r of target t writes element r * n + t of the slot.
// Delivery of an event with delay d emitted in step k adds to slot (k + d) mod L; the engine
// guarantees L > max delay and that a slot is read (and cleared) before it is reused.
//
// T = double (ordered / fast accumulation), std::int32_t, std::int64_t or __int128 (exact: fixed
// point, see numeric/exact_accumulator.hpp; the format guarantees that no partial sum overflows), or
// numeric::superaccumulator (exact fallback for weight sets no fixed-point format can hold).

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
    std::size_t neurons() const { return n_; }
    std::size_t receptors() const { return R_; }
    std::size_t row_size() const { return n_ * R_; }
    bool empty() const { return data_.empty(); }
    std::size_t slot_of(std::int64_t step) const {
        return static_cast<std::size_t>(step % static_cast<std::int64_t>(L_));
    }
    // The whole slot of `step` (R rows of n accumulators).
    T* row(std::int64_t step) { return data_.data() + slot_of(step) * n_ * R_; }
    // The n accumulators of receptor r in the slot of `step`.
    T* row(std::int64_t step, std::size_t receptor) { return row(step) + receptor * n_; }
    T* data() { return data_.data(); }
    const T* data() const { return data_.data(); }
    void add(std::int64_t step, std::size_t neuron, std::size_t receptor, const T& w) {
        row(step, receptor)[neuron] += w;
    }
    std::size_t bytes() const { return data_.capacity() * sizeof(T); }

private:
    std::size_t L_ = 0, n_ = 0, R_ = 0;
    std::vector<T> data_;
};

}  // namespace brainsim::event
