import os
import re

from conan import ConanFile
from conan.errors import ConanException
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir

required_conan_version = ">=2.0"


class NetflixChargesConan(ConanFile):
    name = "netflix_charges"
    description = ("Netflix partner billing for an operator's CRM: charges, acknowledgements, "
                   "accepts and declines, with an HTTP adapter wire-compatible with CRM.COM's Web API")
    license = "MIT"
    topics = ("billing", "netflix", "crm", "partner-billing")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "shared": [True, False],
        "fPIC": [True, False],
        "with_sqlite": [True, False],
        "with_http": [True, False],
        "with_postgres": [True, False],
    }
    default_options = {
        "shared": False,
        "fPIC": True,
        "with_sqlite": True,
        "with_http": True,
        "with_postgres": True,
    }

    # The recipe lives in conan/ of the repository; the sources are the repository itself.
    @property
    def _repository(self):
        return os.path.join(self.recipe_folder, "..")

    def set_version(self):
        cmakelists = load(self, os.path.join(self._repository, "CMakeLists.txt"))
        found = re.search(r"project\(\s*netflix_charges\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)", cmakelists)
        if not found:
            raise ConanException("no project(netflix_charges VERSION x.y.z) in CMakeLists.txt")
        self.version = found.group(1)

    def export_sources(self):
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*", "src/*", "adapters/*"):
            copy(self, pattern, src=self._repository, dst=self.export_sources_folder)

    def config_options(self):
        if self.settings.os == "Windows":
            del self.options.fPIC

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def layout(self):
        cmake_layout(self, src_folder=".")

    def requirements(self):
        # Headers of ours include none of these: they are the libraries' own dependencies.
        self.requires("openssl/[>=3 <4]")
        self.requires("boost/1.81.0")  # JSON (core, http), URL, Beast and Asio (http)
        self.requires("fmt/9.1.0")  # messages and SQL text, in every component
        if self.options.with_sqlite:
            self.requires("sqlitecpp/3.3.0")
            self.requires("sqlite3/[>=3.40 <4]")
        if self.options.with_http:
            self.requires("prometheus-cpp/1.0.1")  # /metrics: its core only
        if self.options.with_postgres:
            self.requires("libpqxx/7.7.5")

    def validate(self):
        check_min_cppstd(self, 17)

    def generate(self):
        toolchain = CMakeToolchain(self)
        toolchain.cache_variables["NETFLIX_CHARGES_WITH_SQLITE"] = bool(self.options.with_sqlite)
        toolchain.cache_variables["NETFLIX_CHARGES_WITH_HTTP"] = bool(self.options.with_http)
        toolchain.cache_variables["NETFLIX_CHARGES_WITH_POSTGRES"] = bool(self.options.with_postgres)
        toolchain.cache_variables["NETFLIX_CHARGES_BUILD_TESTS"] = False
        toolchain.cache_variables["NETFLIX_CHARGES_BUILD_EXAMPLES"] = False
        toolchain.cache_variables["NETFLIX_CHARGES_BUILD_BENCHMARKS"] = False
        toolchain.cache_variables["NETFLIX_CHARGES_INSTALL"] = True
        toolchain.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        CMake(self).install()
        # Conan's CMakeDeps writes the CMake package from package_info(), as conan-center does.
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        # The same file and target names as our own CMake package (cmake/netflix_chargesConfig.cmake.in).
        self.cpp_info.set_property("cmake_file_name", "netflix_charges")
        self.cpp_info.set_property("cmake_target_name", "netflix_charges::netflix_charges")

        def component(name, macro_base, requires):
            c = self.cpp_info.components[name]
            c.set_property("cmake_target_name", f"netflix_charges::{name}")
            c.libs = [f"netflix_charges_{name}"]
            c.requires = requires
            if not self.options.shared:
                c.defines = [f"{macro_base}_STATIC_DEFINE"]
            if self.settings.os in ("Linux", "FreeBSD"):
                c.system_libs = ["pthread"]
            return c

        component("core", "NETFLIX_CHARGES", ["openssl::crypto", "boost::json", "fmt::fmt"])
        if self.options.with_sqlite:
            component("sqlite", "NETFLIX_CHARGES_SQLITE", ["core", "sqlitecpp::sqlitecpp", "sqlite3::sqlite3"])
        if self.options.with_http:
            component("http", "NETFLIX_CHARGES_HTTP",
                      ["core", "boost::json", "boost::url", "boost::headers", "openssl::crypto",
                       "prometheus-cpp::prometheus-cpp-core"])
        if self.options.with_postgres:
            component("postgres", "NETFLIX_CHARGES_POSTGRES", ["core", "libpqxx::pqxx"])
