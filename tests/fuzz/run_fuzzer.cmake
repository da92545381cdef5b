# Runs one fuzzer for a fixed number of inputs (ctest entry, see CMakeLists.txt). New inputs go to a
# fresh work directory in the build tree, never into the checked-in seeds, and the fixed seed makes
# a run repeatable. A non-zero exit (a crash, a sanitizer report, a leak) fails the test.
foreach(var FUZZER SEEDS WORK RUNS ARTIFACTS)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run_fuzzer.cmake: -D${var}=... is required")
    endif()
endforeach()
# Any UBSan report that ubsan.supp does not name stops the run, like an ASan one.
set(ENV{UBSAN_OPTIONS} "halt_on_error=1:print_stacktrace=1:suppressions=${CMAKE_CURRENT_LIST_DIR}/ubsan.supp")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${FUZZER} -runs=${RUNS} -seed=1 -print_final_stats=1
    -artifact_prefix=${ARTIFACTS} ${WORK} ${SEEDS}
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${FUZZER} failed (${result}); the input that failed is saved as ${ARTIFACTS}crash-* "
        "(or leak-*, timeout-*): run ${FUZZER} on that file to reproduce")
endif()
