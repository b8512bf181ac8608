#include <brainsim/errors.hpp>
#include <brainsim/thread_pool.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace brainsim {

thread_pool::thread_pool(unsigned n_threads): n_threads_(n_threads) {
    if (!(n_threads >= 1 && n_threads <= 4096))
        throw config_error("threads", std::to_string(n_threads), "an integer in [1, 4096]");
    workers_.reserve(n_threads - 1);
    for (unsigned i = 1; i < n_threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

thread_pool::~thread_pool() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_start_.notify_all();
    for (auto& t: workers_) t.join();
}

void thread_pool::run_tasks() {
    for (;;) {
        std::size_t i;
        {
            std::lock_guard lock(mutex_);
            if (next_ >= n_tasks_) return;
            i = next_++;
        }
        try {
            (*task_)(i);
        }
        catch (...) {
            std::lock_guard lock(mutex_);
            if (!error_) error_ = std::current_exception();
        }
        std::lock_guard lock(mutex_);
        if (++done_ == n_tasks_) cv_done_.notify_all();
    }
}

void thread_pool::worker_loop() {
    std::uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            cv_start_.wait(lock, [&] { return stop_ || generation_ != seen; });
            if (stop_) return;
            seen = generation_;
        }
        run_tasks();
    }
}

void thread_pool::parallel_for(std::size_t n, const std::function<void(std::size_t)>& f) {
    if (n == 0) return;
    if (n_threads_ == 1 || n == 1) {
        for (std::size_t i = 0; i < n; ++i) f(i);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        task_ = &f;
        n_tasks_ = n;
        next_ = 0;
        done_ = 0;
        error_ = nullptr;
        ++generation_;
    }
    cv_start_.notify_all();
    run_tasks();
    std::exception_ptr err;
    {
        std::unique_lock lock(mutex_);
        cv_done_.wait(lock, [&] { return done_ == n_tasks_; });
        task_ = nullptr;
        err = error_;
        error_ = nullptr;
    }
    if (err) std::rethrow_exception(err);
}

unsigned default_thread_count(unsigned fallback) {
    const char* env = std::getenv("BRAINSIM_NUM_THREADS");
    if (!env || !*env) return fallback;
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (*end != '\0' || v < 1 || v > 4096)
        throw config_error("BRAINSIM_NUM_THREADS", std::string("'") + env + "'", "an integer in [1, 4096]");
    return static_cast<unsigned>(v);
}

}  // namespace brainsim
