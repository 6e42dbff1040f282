# cmake -DBUILD_DIR=... -DPREFIX=... -DCONFIG=... -P install_fresh.cmake
# Installs the library (component dev) into an emptied prefix, so consumers see only what this
# build installs.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" --config "${CONFIG}" --component dev
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install failed: ${result}")
endif()
