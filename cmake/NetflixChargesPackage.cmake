# The CMake package: `cmake --install` puts netflix_chargesConfig.cmake, its version file and
# one targets file per component under <prefix>/lib/cmake/netflix_charges; the build tree
# gets the same files, so a consumer can also point netflix_charges_DIR at a build.
include(CMakePackageConfigHelpers)

get_property(NETFLIX_CHARGES_INSTALLED_COMPONENTS GLOBAL PROPERTY NETFLIX_CHARGES_COMPONENTS)

# Headers: ours, the HTTP adapter's when built, and the generated export and version headers.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev
    PATTERN "sqlite_store.hpp" EXCLUDE
    PATTERN "postgres_store.hpp" EXCLUDE)
foreach(store IN ITEMS sqlite postgres)
    if(store IN_LIST NETFLIX_CHARGES_INSTALLED_COMPONENTS)
        install(FILES "${PROJECT_SOURCE_DIR}/include/netflix_charges/${store}_store.hpp"
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/netflix_charges COMPONENT dev)
    endif()
endforeach()
if(NETFLIX_CHARGES_WITH_HTTP)
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/adapters/http/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
endif()
install(DIRECTORY "${NETFLIX_CHARGES_GENERATED_INCLUDE_DIR}/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
set(netflix_charges_package_dir "${CMAKE_INSTALL_LIBDIR}/cmake/netflix_charges")
set(netflix_charges_build_package_dir "${PROJECT_BINARY_DIR}/package")

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/netflix_chargesConfig.cmake.in"
    "${netflix_charges_build_package_dir}/netflix_chargesConfig.cmake"
    INSTALL_DESTINATION "${netflix_charges_package_dir}")
write_basic_package_version_file("${netflix_charges_build_package_dir}/netflix_chargesConfigVersion.cmake"
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY ${NETFLIX_CHARGES_COMPATIBILITY})
install(FILES
    "${netflix_charges_build_package_dir}/netflix_chargesConfig.cmake"
    "${netflix_charges_build_package_dir}/netflix_chargesConfigVersion.cmake"
    DESTINATION "${netflix_charges_package_dir}" COMPONENT dev)

foreach(component IN LISTS NETFLIX_CHARGES_INSTALLED_COMPONENTS)
    install(TARGETS netflix_charges_${component} EXPORT netflix_charges_${component}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    install(EXPORT netflix_charges_${component}
        NAMESPACE netflix_charges::
        FILE netflix_charges-${component}-targets.cmake
        DESTINATION "${netflix_charges_package_dir}" COMPONENT dev)
    export(EXPORT netflix_charges_${component}
        NAMESPACE netflix_charges::
        FILE "${netflix_charges_build_package_dir}/netflix_charges-${component}-targets.cmake")
endforeach()

install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/netflix_charges" COMPONENT dev)
