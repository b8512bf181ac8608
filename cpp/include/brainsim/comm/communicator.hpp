#pragma once
// comm::communicator: the one interface through which brainsim talks across ranks.
//
// A value type wrapping a shared implementation (in the spirit of Arbor's distributed_context).
// Implementations: local (size 1), loopback (n ranks simulated by n threads of one process, for
// tests) and MPI (only compiled with BRAINSIM_WITH_MPI, in cpp/src/mpi/). Collectives are defined
// on raw bytes; the typed helpers here only copy trivially copyable values, so no implementation
// ever depends on brainsim's own types.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace brainsim::comm {

// Result of an all-gather: the concatenation of every rank's contribution in rank order, and the
// offsets (in elements) where each rank's part starts; offsets.size() == size() + 1.
template <typename T>
struct gathered {
    std::vector<T> values;
    std::vector<std::size_t> offsets;
    std::span<const T> part(int rank) const {
        return {values.data() + offsets[rank], offsets[rank + 1] - offsets[rank]};
    }
};

class communicator_impl {
public:
    virtual ~communicator_impl() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    virtual std::string name() const = 0;
    // Every rank contributes a byte buffer of any length (possibly empty); every rank receives all.
    virtual gathered<std::byte> all_gather_bytes(std::span<const std::byte> local) const = 0;
    virtual std::int64_t all_reduce_min(std::int64_t x) const = 0;
    virtual std::int64_t all_reduce_max(std::int64_t x) const = 0;
    virtual std::int64_t all_reduce_sum(std::int64_t x) const = 0;
    virtual void barrier() const = 0;
};

class communicator {
public:
    explicit communicator(std::shared_ptr<const communicator_impl> impl): impl_(std::move(impl)) {}

    int rank() const { return impl_->rank(); }
    int size() const { return impl_->size(); }
    std::string name() const { return impl_->name(); }
    void barrier() const { impl_->barrier(); }
    std::int64_t min(std::int64_t x) const { return impl_->all_reduce_min(x); }
    std::int64_t max(std::int64_t x) const { return impl_->all_reduce_max(x); }
    std::int64_t sum(std::int64_t x) const { return impl_->all_reduce_sum(x); }

    gathered<std::byte> all_gather_bytes(std::span<const std::byte> local) const {
        return impl_->all_gather_bytes(local);
    }

    // Gather a variable-length array of trivially copyable values from every rank.
    template <typename T>
    gathered<T> all_gather(std::span<const T> local) const {
        static_assert(std::is_trivially_copyable_v<T>, "all_gather needs trivially copyable values");
        auto g = impl_->all_gather_bytes(std::as_bytes(local));
        gathered<T> out;
        out.values.resize(g.values.size() / sizeof(T));
        if (!g.values.empty()) std::memcpy(out.values.data(), g.values.data(), g.values.size());
        out.offsets.reserve(g.offsets.size());
        for (auto o: g.offsets) out.offsets.push_back(o / sizeof(T));
        return out;
    }

private:
    std::shared_ptr<const communicator_impl> impl_;
};

// A communicator of size 1 (no communication).
communicator make_local_communicator();

// n communicators that behave as ranks 0..n-1 of one group; communicator i must be used from its
// own thread (collectives block until all n ranks arrive). For tests of the distributed code paths
// without MPI.
std::vector<communicator> make_loopback_communicators(int n);

// A communicator over an MPI communicator. `mpi_comm_address` is the address of an MPI_Comm handle
// (mpi4py: MPI._addressof(comm)); the communicator is duplicated. In a build without MPI this throws
// communication_error explaining how to get an MPI build.
communicator make_mpi_communicator(std::uintptr_t mpi_comm_address);

// True if this build contains the MPI communicator.
bool have_mpi();

}  // namespace brainsim::comm
