#pragma once

// A new, empty database on the tests' throwaway PostgreSQL cluster (started by CTest, see
// tests/postgres/cluster.sh), dropped at the end. The cluster's admin URL comes from the
// environment: NETFLIX_CHARGES_TEST_POSTGRES.

#include <pqxx/pqxx>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace test_support {

class test_database {
public:
    test_database() : admin_url_(admin_url()), name_(unique_name())
    {
        pqxx::connection admin{admin_url_};
        pqxx::nontransaction tx{admin};
        tx.exec0("DROP DATABASE IF EXISTS " + name_);
        tx.exec0("CREATE DATABASE " + name_);
    }
    ~test_database()
    {
        try {
            pqxx::connection admin{admin_url_};
            pqxx::nontransaction tx{admin};
            tx.exec0("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (const std::exception&) {
        }
    }
    test_database(const test_database&) = delete;
    test_database& operator=(const test_database&) = delete;

    // The database's URL: the admin URL with this database's name.
    std::string url() const
    {
        const auto at = admin_url_.find("/postgres");
        if (at == std::string::npos) throw std::runtime_error("the admin URL must name the database postgres");
        return admin_url_.substr(0, at) + "/" + name_ + admin_url_.substr(at + 9);
    }

private:
    static std::string admin_url()
    {
        const char* url = std::getenv("NETFLIX_CHARGES_TEST_POSTGRES");
        if (url == nullptr) throw std::runtime_error("NETFLIX_CHARGES_TEST_POSTGRES is not set (CTest sets it)");
        return url;
    }
    static std::string unique_name()
    {
        static std::atomic<int> counter{0};
        return "test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    }

    std::string admin_url_;
    std::string name_;
};

}  // namespace test_support
