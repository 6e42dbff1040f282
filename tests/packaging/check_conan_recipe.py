"""Checks conan/conanfile.py without a Conan client: it imports cleanly against Conan 2's API
(a stand-in in conan_stub/), reads the version our CMakeLists.txt declares, and its
package_info() names exactly the CMake targets and library files that `cmake --install` put
in the prefix given, for every combination of the component options.

Usage: check_conan_recipe.py <repository> <install prefix> <shared: ON|OFF>"""
import glob
import importlib.util
import itertools
import os
import re
import sys

repository, prefix, shared = sys.argv[1], sys.argv[2], sys.argv[3].upper() in ("ON", "1", "TRUE")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "conan_stub"))

spec = importlib.util.spec_from_file_location("recipe", os.path.join(repository, "conan", "conanfile.py"))
recipe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(recipe)
failures = []


def expect(ok, what):
    print(("ok: " if ok else "FAILED: ") + what)
    if not ok:
        failures.append(what)


conanfile = recipe.NetflixChargesConan(os.path.join(repository, "conan"))
conanfile.set_version()
declared = re.search(r"project\(\s*netflix_charges\s+VERSION\s+([0-9.]+)",
                     open(os.path.join(repository, "CMakeLists.txt"), encoding="utf-8").read()).group(1)
expect(conanfile.version == declared, f"version {conanfile.version} is CMakeLists.txt's {declared}")
expect(set(conanfile.options) == {"shared", "fPIC", "with_sqlite", "with_http", "with_postgres"}, "options")

# What the CMake install gave: component targets files and library files.
package_dir = os.path.join(prefix, "lib", "cmake", "netflix_charges")
installed = {re.match(r"netflix_charges-(\w+)-targets\.cmake", os.path.basename(p)).group(1)
             for p in glob.glob(os.path.join(package_dir, "netflix_charges-*-targets.cmake"))}
library_files = {os.path.basename(p) for p in glob.glob(os.path.join(prefix, "lib", "libnetflix_charges_*"))}

for with_sqlite, with_http, with_postgres in itertools.product((True, False), repeat=3):
    conanfile = recipe.NetflixChargesConan(os.path.join(repository, "conan"),
                                           {"shared": shared, "with_sqlite": with_sqlite, "with_http": with_http,
                                            "with_postgres": with_postgres})
    conanfile.package_info()
    info = conanfile.cpp_info
    label = f"with_sqlite={with_sqlite} with_http={with_http} with_postgres={with_postgres}"
    expect(info.properties.get("cmake_file_name") == "netflix_charges", f"{label}: cmake_file_name")
    expect(info.properties.get("cmake_target_name") == "netflix_charges::netflix_charges",
           f"{label}: umbrella target name")
    wanted = ({"core"} | ({"sqlite"} if with_sqlite else set()) | ({"http"} if with_http else set())
              | ({"postgres"} if with_postgres else set()))
    expect(set(info.components) == wanted, f"{label}: components {sorted(info.components)}")
    everything = with_sqlite and with_http and with_postgres
    if everything:  # the recipe knows every component CMake installed
        expect(installed <= set(info.components), f"CMake installed {sorted(installed)}, all in the recipe")
    for name, component in info.components.items():
        expect(component.properties.get("cmake_target_name") == f"netflix_charges::{name}",
               f"{label}: {name} is netflix_charges::{name}")
        for requirement in component.requires:
            if "::" not in requirement:
                expect(requirement in info.components, f"{label}: {name} requires a known component")
        if everything and name in installed:
            suffix = ".so" if shared else ".a"
            for lib in component.libs:
                expect(f"lib{lib}{suffix}" in library_files, f"{name}: CMake installed lib{lib}{suffix}")
        expect(bool(component.defines) != shared, f"{label}: {name} static define only when static")

if failures:
    sys.exit(f"{len(failures)} check(s) failed")
