#include <brainsim/errors.hpp>

#include <gtest/gtest.h>

#include <limits>

using namespace brainsim;

TEST(errors, hierarchy) {
    EXPECT_THROW(throw unknown_model_error("x", "a, b"), config_error);
    EXPECT_THROW(throw delay_error("delay_ms", "-1", ">= dt"), config_error);
    EXPECT_THROW(throw numerical_error("x"), error);
    EXPECT_THROW(throw internal_error("x"), error);
}

TEST(errors, config_error_names_parameter_value_and_range) {
    try {
        require_positive("tau_m", -3.0);
        FAIL() << "no throw";
    }
    catch (const config_error& e) {
        EXPECT_EQ(e.parameter, "tau_m");
        EXPECT_EQ(e.value, "-3");
        std::string w = e.what();
        EXPECT_NE(w.find("tau_m"), std::string::npos);
        EXPECT_NE(w.find("> 0"), std::string::npos);
    }
}

TEST(errors, nan_fails_every_check) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(require_finite("x", nan), config_error);
    EXPECT_THROW(require_positive("x", nan), config_error);
    EXPECT_THROW(require_nonnegative("x", nan), config_error);
    EXPECT_THROW(require_positive("x", std::numeric_limits<double>::infinity()), config_error);
    EXPECT_NO_THROW(require_nonnegative("x", 0.0));
}
