# netflix_charges_warnings(<target>): our warning set, PRIVATE to our own targets, never
# forced on consumers. Errors only when NETFLIX_CHARGES_WARNINGS_AS_ERRORS is ON (CI).
function(netflix_charges_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
        if(NETFLIX_CHARGES_WARNINGS_AS_ERRORS)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    elseif(MSVC)
        target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${NETFLIX_CHARGES_WARNINGS_AS_ERRORS}>:/WX>)
    endif()
endfunction()
