// I/O faults, as SQLite tests itself (https://www.sqlite.org/testing.html, "I/O Error Testing",
// "Crash Testing"): every read, write, sync or lock of an operation's I/O sequence fails in
// turn, once and from then on; or the power goes off after each of its writes and syncs. After
// each: the call failed with storage_failure or succeeded, the batch is whole or absent (whole
// when the call succeeded, even across a power cut), the same store works again once the fault
// is gone, and the database passes `PRAGMA integrity_check`.
//
// Every point is tried when a sequence has at most `every_point_up_to` operations of a kind;
// a longer one is sampled at that many points spread over it, its first and last included.
// Each test case says in its output how many points it tried of how many.
#include "faulty_vfs.hpp"
#include "sqlite_fixture.hpp"

#include "schema.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>

using namespace sqlite_tests;

namespace {

const operator_id op{"op"};
constexpr std::size_t every_point_up_to = 48;

enum class applied { absent, whole, partial };

// `done` of the operation's `all` parts found in the database.
applied applied_of(std::size_t done, std::size_t all)
{
    return done == 0 ? applied::absent : done == all ? applied::whole : applied::partial;
}

// One operation under test, on its own copy of a prepared database: `call` is what faults hit;
// `state` says how much of it the database holds.
class session {
public:
    virtual ~session() = default;
    virtual void call() = 0;
    virtual applied state() = 0;
};

struct operation {
    std::function<void(const std::string& path)> prepare;  // the database every run starts from
    std::function<std::unique_ptr<session>(const std::string& path)> open;  // before any fault
    // The call ends by closing a connection, whose checkpoint SQLite makes on a best-effort
    // basis: a fault in it is ignored (the WAL is kept, and checkpointed later).
    bool checkpoints_on_close = false;
};

// --- the operations ---

std::vector<charge_item> batch_items()
{
    std::vector<charge_item> items;
    for (int i = 0; i < 20; ++i) items.push_back({numbered(i), "customer-1", "REF-" + numbered(i)});
    return items;
}

class batch_session final : public session {
public:
    explicit batch_session(const std::string& path) : store_{path}, service_{store_} {}
    void call() override
    {
        const auto result = service_.acknowledge(as_caller(op), batch_items());  // a fault throws: not in REQUIRE
        REQUIRE(result.failed.empty());
    }
    applied state() override
    {
        std::size_t done = 0;
        for (const auto& item : batch_items())
            done += service_.find_by_reference(op, *item.reference_number) && service_.find(op, item.number)->acknowledged;
        done += service_.journal(op).size();  // an entry per acknowledgement, in the same write
        return applied_of(done, 2 * batch_items().size());
    }

private:
    sqlite_store store_;
    charges_service service_;
};

const operation batch{[](const std::string& path) {
                          sqlite_store store{path};
                          charges_service service{store};
                          issue_numbered(service, op, 200);
                          service.prune_journal(timestamp::max());  // the batch's entries are then all there is
                      },
                      [](const std::string& path) { return std::make_unique<batch_session>(path); }};

// 300 lines: 100 give outcomes to PENDING charges the store has, 200 are new.
std::vector<imported_charge> import_lines()
{
    std::vector<imported_charge> lines;
    for (int i = 0; i < 300; ++i)
        lines.push_back({a_charge(numbered(i)), i < 100 ? charge_status::approved : charge_status::pending, std::nullopt});
    return lines;
}

class import_session final : public session {
public:
    explicit import_session(const std::string& path) : store_{path}, service_{store_} {}
    void call() override  // in three parts, as the command line's import streams a file
    {
        const auto lines = import_lines();
        std::size_t given = 0;
        const auto summary = service_.import_in_parts(
            op,
            [&](std::vector<imported_charge>& part) {
                for (; part.size() < 100 && given < lines.size(); ++given) part.push_back(lines[given]);
                return !part.empty();
            },
            [](std::size_t, const error& why) { throw why; });
        REQUIRE(summary.issued + summary.processed + summary.unchanged == 300);
    }
    applied state() override
    {
        std::size_t done = 0;
        for (int i = 0; i < 100; ++i) done += service_.find(op, numbered(i))->status == charge_status::approved;
        for (int i = 100; i < 300; ++i) done += service_.find(op, numbered(i)).has_value();
        return applied_of(done, 300);
    }

private:
    sqlite_store store_;
    charges_service service_;
};

const operation import{[](const std::string& path) {
                           sqlite_store store{path};
                           charges_service service{store};
                           issue_numbered(service, op, 100);
                       },
                       [](const std::string& path) { return std::make_unique<import_session>(path); }};

// The first start of the authenticator on a store with an account and no signing key yet (it
// makes one), and a login.
class login_session final : public session {
public:
    explicit login_session(const std::string& path) : store_{path} {}
    void call() override
    {
        jwt_authenticator auth{store_, fast_hashes()};
        token_ = auth.login("billing", "correct horse", "op", std::nullopt).token;
        const auto check = auth.verify(token_);
        REQUIRE(check.who);
    }
    applied state() override
    {
        // The key the token was signed with, if the login answered, must be the one stored.
        jwt_authenticator auth{store_, fast_hashes()};
        if (!token_.empty() && !auth.verify(token_).who) return applied::partial;
        return auth.login("billing", "correct horse", "op", std::nullopt).token.empty() ? applied::partial : applied::whole;
    }

private:
    sqlite_store store_;
    std::string token_;
};

const operation login{[](const std::string& path) {
                          sqlite_store store{path};
                          jwt_authenticator{store, fast_hashes()}.add_user(op, "billing", "", "correct horse");
                          SQLite::Database{path, SQLite::OPEN_READWRITE}.exec("DELETE FROM signing_keys");
                      },
                      [](const std::string& path) { return std::make_unique<login_session>(path); }};

// Opening a version-1 database: the store applies migrations 2 and 3, one transaction each.
class migration_session final : public session {
public:
    explicit migration_session(std::string path) : path_(std::move(path)) {}
    void call() override { store_ = std::make_unique<sqlite_store>(path_); }
    applied state() override
    {
        const int version = SQLite::Database{path_}.execAndGet("PRAGMA user_version").getInt();
        if (version == 1) return applied::absent;  // each version is a whole step: 2 is not partial
        sqlite_store store{path_};
        charges_service service{store};
        const auto old = service.find(op, "OLD1");
        return old && old->amount.to_string() == "9.99" ? applied::whole : applied::partial;
    }

private:
    std::string path_;
    std::unique_ptr<sqlite_store> store_;
};

const operation migration{[](const std::string& path) {
                              SQLite::Database db{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
                              sqlite_detail::prepare_database(db, path, {sqlite_detail::migrations().front()});
                              db.exec("INSERT INTO operators (id, name) VALUES (1, 'op')");
                              db.exec("INSERT INTO charges (operator_id, number, billing_system_customer_identifier, "
                                      "amount, currency, paid_through_date, status, received_on) "
                                      "VALUES (1, 'OLD1', 'c1', '9.99', 'EUR', '2026-01-31', 0, 0)");
                          },
                          [](const std::string& path) { return std::make_unique<migration_session>(path); },
                          true};

// --- the sweep ---

std::string integrity(const std::string& path)
{
    SQLite::Database db{path};
    return db.execAndGet("PRAGMA integrity_check").getString();
}

// The points of a sequence of `count` operations that are tried.
std::vector<std::size_t> points(std::size_t count)
{
    std::vector<std::size_t> chosen;
    if (count <= every_point_up_to) {
        for (std::size_t n = 1; n <= count; ++n) chosen.push_back(n);
        return chosen;
    }
    for (std::size_t i = 0; i < every_point_up_to; ++i) chosen.push_back(1 + i * (count - 1) / (every_point_up_to - 1));
    return chosen;
}

// The call under a fault: true when it answered, false when it failed with storage_failure.
bool answered(session& s)
{
    try {
        s.call();
        return true;
    } catch (const error& e) {
        INFO(e.what());
        REQUIRE(e.code_value() == errc::storage_failure);
        return false;
    }
}

class sweep {
public:
    sweep(const operation& o) : operation_(o), template_(folder_.file("template.db")), run_(folder_.file("run.db"))
    {
        operation_.prepare(template_);
    }

    // A fresh copy of the prepared database.
    std::unique_ptr<session> fresh()
    {
        vfs_.reset();
        for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(run_ + suffix);
        std::filesystem::copy_file(template_, run_);
        return operation_.open(run_);
    }

    // The operation's I/O, counted on a run without faults.
    std::array<std::size_t, 4> counts()
    {
        auto s = fresh();
        vfs_.reset();
        s->call();
        std::array<std::size_t, 4> counted{};
        for (auto kind : {io_kind::read, io_kind::write, io_kind::sync, io_kind::lock})
            counted[static_cast<std::size_t>(kind)] = vfs_.count(kind);
        return counted;
    }

    void io_error(io_kind kind, std::size_t nth, bool persistent)
    {
        auto s = fresh();
        vfs_.fail(kind, nth, persistent);
        const bool ok = answered(*s);
        if (operation_.checkpoints_on_close) CHECK((ok || vfs_.fired()));
        else CHECK(vfs_.fired() != ok);  // a fault that fires fails the call; none fires past the end
        vfs_.reset();
        check_after(*s, ok);
        s->call();  // the same store, working again
        CHECK(s->state() == applied::whole);
        s.reset();
        CHECK(integrity(run_) == "ok");
    }

    void power_cut(std::size_t nth)
    {
        auto s = fresh();
        vfs_.cut_power_after(nth);
        const bool ok = answered(*s);
        s.reset();  // the process ends with the power
        vfs_.reset();
        CHECK(integrity(run_) == "ok");
        s = operation_.open(run_);
        check_after(*s, ok);
        s->call();
        CHECK(s->state() == applied::whole);
    }

private:
    static void check_after(session& s, bool answered_ok)
    {
        const auto state = s.state();
        CHECK(state != applied::partial);
        if (answered_ok) CHECK(state == applied::whole);
    }

    faulty_vfs vfs_;
    operation operation_;
    test_support::temporary_directory folder_;
    std::string template_;
    std::string run_;
};

const char* name_of(io_kind kind)
{
    switch (kind) {
    case io_kind::read: return "read";
    case io_kind::write: return "write";
    case io_kind::sync: return "sync";
    case io_kind::lock: return "lock";
    }
    return "?";
}

void sweep_every_fault(const operation& o)
{
    sweep runs{o};
    const auto counted = runs.counts();
    for (auto kind : {io_kind::read, io_kind::write, io_kind::sync, io_kind::lock}) {
        const auto count = counted[static_cast<std::size_t>(kind)];
        REQUIRE(count > 0);
        auto tried = points(count);
        tried.push_back(count + 1);  // past the end: no fault, the call answers
        for (const bool persistent : {false, true})
            for (const auto n : tried) {
                INFO(name_of(kind) << " " << n << " of " << count << (persistent ? ", and every one after" : ""));
                runs.io_error(kind, n, persistent);
            }
        WARN(name_of(kind) << ": " << tried.size() - 1 << " of " << count << " points, once and from then on");
    }
    const auto writes = counted[static_cast<std::size_t>(io_kind::write)] + counted[static_cast<std::size_t>(io_kind::sync)];
    auto tried = points(writes);
    tried.push_back(writes + 1);
    for (const auto n : tried) {
        INFO("power cut after write or sync " << n << " of " << writes);
        runs.power_cut(n);
    }
    WARN("power cut: " << tried.size() - 1 << " of " << writes << " writes and syncs");
}

}  // namespace

TEST_CASE("every I/O fault of an acknowledgement batch leaves it whole or absent", "[sqlite][faults][io]")
{
    sweep_every_fault(batch);
}

TEST_CASE("every I/O fault of an import leaves it whole or absent", "[sqlite][faults][io]")
{
    sweep_every_fault(import);
}

TEST_CASE("every I/O fault of a first start and login leaves the signing key whole or absent", "[sqlite][faults][io]")
{
    sweep_every_fault(login);
}

TEST_CASE("every I/O fault of a migration leaves each step whole or absent", "[sqlite][faults][io]")
{
    sweep_every_fault(migration);
}
