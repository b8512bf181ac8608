// The only translation unit that includes <mpi.h>.
#include <brainsim/comm/communicator.hpp>
#include <brainsim/errors.hpp>

#include <mpi.h>

#include <limits>
#include <string>

namespace brainsim::comm {
namespace {

void check(int rc, const char* what) {
    if (rc != MPI_SUCCESS) {
        char msg[MPI_MAX_ERROR_STRING];
        int len = 0;
        MPI_Error_string(rc, msg, &len);
        throw communication_error(std::string(what) + " failed: " + std::string(msg, len));
    }
}

class mpi_impl final: public communicator_impl {
public:
    explicit mpi_impl(MPI_Comm parent) {
        check(MPI_Comm_dup(parent, &comm_), "MPI_Comm_dup");
        check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
        check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
    }
    ~mpi_impl() override {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Comm_free(&comm_);
    }
    int rank() const override { return rank_; }
    int size() const override { return size_; }
    std::string name() const override { return "mpi"; }

    gathered<std::byte> all_gather_bytes(std::span<const std::byte> local) const override {
        if (local.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            throw communication_error("all_gather: a rank's buffer exceeds 2^31-1 bytes");
        int n = static_cast<int>(local.size());
        std::vector<int> counts(size_), displs(size_);
        check(MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, comm_), "MPI_Allgather");
        gathered<std::byte> out;
        out.offsets.resize(size_ + 1, 0);
        for (int r = 0; r < size_; ++r) out.offsets[r + 1] = out.offsets[r] + counts[r];
        if (out.offsets[size_] > static_cast<std::size_t>(std::numeric_limits<int>::max()))
            throw communication_error("all_gather: total exceeds 2^31-1 bytes");
        for (int r = 0; r < size_; ++r) displs[r] = static_cast<int>(out.offsets[r]);
        out.values.resize(out.offsets[size_]);
        check(MPI_Allgatherv(local.data(), n, MPI_BYTE, out.values.data(), counts.data(), displs.data(),
                             MPI_BYTE, comm_),
              "MPI_Allgatherv");
        return out;
    }
    std::int64_t all_reduce_min(std::int64_t x) const override { return reduce(x, MPI_MIN); }
    std::int64_t all_reduce_max(std::int64_t x) const override { return reduce(x, MPI_MAX); }
    std::int64_t all_reduce_sum(std::int64_t x) const override { return reduce(x, MPI_SUM); }
    void barrier() const override { check(MPI_Barrier(comm_), "MPI_Barrier"); }

private:
    std::int64_t reduce(std::int64_t x, MPI_Op op) const {
        std::int64_t y = 0;
        check(MPI_Allreduce(&x, &y, 1, MPI_INT64_T, op, comm_), "MPI_Allreduce");
        return y;
    }
    MPI_Comm comm_ = MPI_COMM_NULL;
    int rank_ = 0, size_ = 1;
};

}  // namespace

communicator make_mpi_communicator(std::uintptr_t mpi_comm_address) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
        throw communication_error("MPI is not initialized: create the communicator from mpi4py "
                                  "(from mpi4py import MPI; comm=MPI.COMM_WORLD)");
    if (mpi_comm_address == 0) throw communication_error("null MPI communicator address");
    return communicator(std::make_shared<mpi_impl>(*reinterpret_cast<MPI_Comm*>(mpi_comm_address)));
}

bool have_mpi() { return true; }

}  // namespace brainsim::comm
