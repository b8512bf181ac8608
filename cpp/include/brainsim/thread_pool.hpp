#pragma once
// A fixed-size pool of worker threads that runs index-parallel loops.
//
// Determinism: callers split work into a fixed number of logical partitions that does not depend on
// the thread count, and each partition writes only its own output; which thread runs which partition
// then cannot change a result.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace brainsim {

class thread_pool {
public:
    // n_threads >= 1; the calling thread is one of them, so n_threads-1 workers are started.
    explicit thread_pool(unsigned n_threads = 1);
    ~thread_pool();
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;

    unsigned size() const { return n_threads_; }

    // Run f(i) for i in [0, n); returns when all are done. The first exception thrown by any f(i) is
    // rethrown here after the loop (the others are dropped). Not reentrant.
    void parallel_for(std::size_t n, const std::function<void(std::size_t)>& f);

private:
    void worker_loop();
    void run_tasks();

    unsigned n_threads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable cv_start_, cv_done_;
    const std::function<void(std::size_t)>* task_ = nullptr;
    std::size_t n_tasks_ = 0, next_ = 0, done_ = 0;
    std::uint64_t generation_ = 0;
    bool stop_ = false;
    std::exception_ptr error_;
};

// Thread count from BRAINSIM_NUM_THREADS if set (validated), else `fallback`.
unsigned default_thread_count(unsigned fallback = 1);

}  // namespace brainsim
