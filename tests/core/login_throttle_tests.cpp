// The login throttle: failures by user from one address and by address wait, doubling; the
// real user elsewhere is never held up; counts are forgotten and bounded.
#include <netflix_charges/login_throttle.hpp>
#include <netflix_charges/testing.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace netflix_charges;
using std::chrono::seconds;

namespace {

login_throttle_options small_limits()
{
    login_throttle_options o;
    o.free_failures_per_user = 3;
    o.free_failures_per_address = 10;
    o.first_delay = seconds{2};
    o.longest_delay = seconds{30};
    o.forget_after = seconds{600};
    return o;
}

void fail_times(login_throttle& throttle, int times, const std::string& user, const std::string& address)
{
    for (int i = 0; i < times; ++i) throttle.failed(user, address);
}

}  // namespace

TEST_CASE("a user's failures from one address are free up to the limit, then wait twice as long each time",
          "[core][throttle]")
{
    testing::fixed_clock time;
    login_throttle throttle{small_limits(), time};
    fail_times(throttle, 2, "op\nbilling", "192.0.2.1");
    CHECK_FALSE(throttle.wait_before("op\nbilling", "192.0.2.1"));
    throttle.failed("op\nbilling", "192.0.2.1");  // the third
    CHECK(throttle.wait_before("op\nbilling", "192.0.2.1") == seconds{2});
    time.advance(seconds{2});
    CHECK_FALSE(throttle.wait_before("op\nbilling", "192.0.2.1"));
    throttle.failed("op\nbilling", "192.0.2.1");
    CHECK(throttle.wait_before("op\nbilling", "192.0.2.1") == seconds{4});
    for (int i = 0; i < 10; ++i) throttle.failed("op\nbilling", "192.0.2.1");
    CHECK(throttle.wait_before("op\nbilling", "192.0.2.1") == seconds{30});  // the longest delay
}

TEST_CASE("the real user from another address is never held up by another's failures", "[core][throttle]")
{
    testing::fixed_clock time;
    login_throttle throttle{small_limits(), time};
    fail_times(throttle, 9, "op\nbilling", "198.51.100.66");
    REQUIRE(throttle.wait_before("op\nbilling", "198.51.100.66"));
    CHECK_FALSE(throttle.wait_before("op\nbilling", "192.0.2.1"));
    CHECK_FALSE(throttle.wait_before("op\nother-user", "192.0.2.1"));
}

TEST_CASE("many users' failures from one address make that address wait", "[core][throttle]")
{
    testing::fixed_clock time;
    login_throttle throttle{small_limits(), time};
    for (int i = 0; i < 9; ++i) throttle.failed("op\nuser" + std::to_string(i), "198.51.100.66");
    CHECK_FALSE(throttle.wait_before("op\nsomeone new", "198.51.100.66"));
    throttle.failed("op\nuser9", "198.51.100.66");  // the tenth
    CHECK(throttle.wait_before("op\nsomeone new", "198.51.100.66") == seconds{2});
    CHECK_FALSE(throttle.wait_before("op\nsomeone new", "192.0.2.1"));
}

TEST_CASE("a success clears its user's count from that address, not the address's", "[core][throttle]")
{
    testing::fixed_clock time;
    login_throttle throttle{small_limits(), time};
    fail_times(throttle, 3, "op\nbilling", "192.0.2.1");
    time.advance(seconds{2});
    throttle.succeeded("op\nbilling", "192.0.2.1");
    throttle.failed("op\nbilling", "192.0.2.1");
    CHECK_FALSE(throttle.wait_before("op\nbilling", "192.0.2.1"));  // counting again from one

    for (int i = 0; i < 10; ++i) throttle.failed("op\nuser" + std::to_string(i), "198.51.100.66");
    throttle.succeeded("op\nmy own account", "198.51.100.66");
    CHECK(throttle.wait_before("op\nuser11", "198.51.100.66"));
}

TEST_CASE("a count is forgotten after its quiet time", "[core][throttle]")
{
    testing::fixed_clock time;
    login_throttle throttle{small_limits(), time};
    fail_times(throttle, 8, "op\nbilling", "192.0.2.1");
    REQUIRE(throttle.wait_before("op\nbilling", "192.0.2.1"));
    time.advance(seconds{600});
    CHECK_FALSE(throttle.wait_before("op\nbilling", "192.0.2.1"));
    throttle.failed("op\nbilling", "192.0.2.1");
    CHECK_FALSE(throttle.wait_before("op\nbilling", "192.0.2.1"));  // one failure, afresh
}

TEST_CASE("the counts kept are bounded; the stalest go first", "[core][throttle]")
{
    testing::fixed_clock time;
    auto options = small_limits();
    options.most_counts = 100;
    login_throttle throttle{options, time};
    fail_times(throttle, 5, "op\nbilling", "192.0.2.1");  // two counts: the pair and the address
    REQUIRE(throttle.wait_before("op\nbilling", "192.0.2.1"));
    // A sprayer from ever new addresses: each failure is two new counts.
    for (int i = 0; i < 1000; ++i) {
        time.advance(seconds{1});
        throttle.failed("op\nuser", "203.0.113." + std::to_string(i));
    }
    CHECK_FALSE(throttle.wait_before("op\nbilling", "192.0.2.1"));  // the stalest, forgotten
    CHECK(throttle.wait_before("op\nuser", "203.0.113.999") == std::nullopt);  // one failure: free
}
