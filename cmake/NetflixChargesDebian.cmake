# The Debian packages, by CPack (`cmake --build --preset release --target package`):
#   netflix-charges      the sample server as a service: /usr/bin/netflix-charges, its systemd
#                        unit, /etc/default/netflix-charges, a system user made on install;
#                        its dependencies on Debian's runtime libraries computed by dpkg-shlibdeps
#   netflix-charges-dev  the library: headers, static libraries, CMake package
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netflix-charges)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "netflix_charges")
set(CPACK_PACKAGE_CONTACT "netflix_charges maintainers <netflix-charges@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Netflix partner billing for CRM.COM billing systems")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/netflix-charges/netflix_charges")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME netflix-charges)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")  # dpkg-shlibdeps adds the libraries
set(CPACK_COMPONENT_SERVER_DESCRIPTION "Netflix charges for CRM.COM billing systems: the server
netflix-charges serves the CRM.COM Web API for Netflix charges (list, acknowledge, accept,
decline, with per-item error codes and reference numbers) over HTTP, on SQLite or PostgreSQL,
as a systemd service, with commands for users, Web API keys, imports, the journal, reports
and backups.")
set(debian_scripts "${PROJECT_SOURCE_DIR}/examples/server/debian")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${debian_scripts}/postinst;${debian_scripts}/prerm;${debian_scripts}/postrm;${debian_scripts}/conffiles")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME netflix-charges-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# What a consumer's find_package(netflix_charges) finds in turn (cmake/netflix_chargesConfig.cmake.in):
# headers and libraries of the dependencies, which dpkg-shlibdeps cannot see in static libraries.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libssl-dev, libfmt-dev, libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libsqlite3-dev, libsqlitecpp-dev, prometheus-cpp-dev, libpqxx-dev")
set(CPACK_COMPONENT_DEV_DESCRIPTION "Netflix charges for CRM.COM billing systems: the C++ library
netflix_charges: the charges service, its SQLite, PostgreSQL and in-memory stores, JWT
authentication and the Boost.Beast HTTP adapter, as static libraries with headers and a CMake
package (find_package(netflix_charges COMPONENTS core sqlite http postgres)).")

include(CPack)
