# reghub_add_library(NAME SOURCES... [DEPS ...])
# One static library per part of the hub; include root is the repo root so
# headers are included as "hub/model/cpr.h".
function(reghub_add_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${A_DEPS})
endfunction()

# reghub_add_adapter(NAME LOGIC_SOURCES ... REGISTRAR_SOURCES ... DEPS ...)
# Envoy-style: the adapter's logic is a static library (unit tests link only
# that), its registrar an OBJECT library so the linker can never drop the
# self-registration. Every adapter's registrar is linked into the `reghub`
# binary and the test executables via the global property REGHUB_ADAPTERS.
function(reghub_add_adapter name)
  cmake_parse_arguments(A "" "" "LOGIC_SOURCES;REGISTRAR_SOURCES;DEPS" ${ARGN})
  add_library(reghub_adapter_${name} STATIC ${A_LOGIC_SOURCES})
  target_include_directories(reghub_adapter_${name} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(reghub_adapter_${name} PUBLIC reghub_engine ${A_DEPS})
  add_library(reghub_adapter_${name}_registrar OBJECT ${A_REGISTRAR_SOURCES})
  target_link_libraries(reghub_adapter_${name}_registrar PUBLIC reghub_adapter_${name})
  set_property(GLOBAL APPEND PROPERTY REGHUB_ADAPTERS reghub_adapter_${name}_registrar)
endfunction()

# reghub_link_adapters(TARGET): link every registered adapter (with registrar).
function(reghub_link_adapters target)
  get_property(adapters GLOBAL PROPERTY REGHUB_ADAPTERS)
  foreach(a IN LISTS adapters)
    target_link_libraries(${target} PRIVATE ${a})
  endforeach()
endfunction()

# reghub_add_test(NAME SOURCES... [DEPS ...] [ADAPTERS]) — a GoogleTest binary
# registered with ctest via gtest_discover_tests.
function(reghub_add_test name)
  cmake_parse_arguments(A "ADAPTERS" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main Threads::Threads)
  target_compile_definitions(${name} PRIVATE
    REGHUB_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    REGHUB_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared"
    REGHUB_BINARY="$<TARGET_FILE:reghub>")
  if(A_ADAPTERS)
    reghub_link_adapters(${name})
  endif()
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${A_LABELS}")
endfunction()

# The runner library (tests/support/rule_cases.h), defined by whichever
# folder needs it first.
function(reghub_rule_cases_library)
  if(NOT TARGET reghub_rule_cases)
    add_library(reghub_rule_cases STATIC ${CMAKE_SOURCE_DIR}/tests/support/rule_cases.cpp)
    target_include_directories(reghub_rule_cases PUBLIC ${CMAKE_SOURCE_DIR})
    target_link_libraries(reghub_rule_cases PUBLIC reghub_ingest reghub_engine reghub_config GTest::gtest)
  endif()
endfunction()

# reghub_add_rule_cases(NAME SUITE ADAPTER CASES_DIR RULES RULE_PREFIX AS_OF
#                       [RULE_KINDS kind...] [MIN_RULES n] [EXEMPTIONS file] [VALIDATOR_ONLY] [DEPS ...])
# An adapter's data-driven rule cases, run by the one runner of
# tests/support/rule_cases.h: "Cases/<SUITE>.Diagnostics/<case>" per case
# folder of CASES_DIR and "<SUITE>Coverage.EveryRuleHasBreakAndKeepCases"
# against RULES (the RULES.md whose <RULE_PREFIX>-… ids the cases cover; with
# RULE_KINDS only checklist items of those kinds). Paths are relative to the
# calling folder. VALIDATOR_ONLY: the cases judge the adapter's validator
# (only its warnings and errors must be expected; see rule_cases.h).
# A new registry adds its case folders and one call; no C++.
function(reghub_add_rule_cases name)
  cmake_parse_arguments(A "VALIDATOR_ONLY" "SUITE;ADAPTER;CASES_DIR;RULES;RULE_PREFIX;AS_OF;MIN_RULES;EXEMPTIONS" "RULE_KINDS;DEPS" ${ARGN})
  foreach(required SUITE ADAPTER CASES_DIR RULES RULE_PREFIX AS_OF)
    if(NOT A_${required})
      message(FATAL_ERROR "reghub_add_rule_cases(${name}): ${required} is required")
    endif()
  endforeach()
  reghub_rule_cases_library()
  if(NOT A_MIN_RULES)
    set(A_MIN_RULES 1)
  endif()
  set(exemptions "")
  if(A_EXEMPTIONS)
    get_filename_component(exemptions ${A_EXEMPTIONS} ABSOLUTE)
  endif()
  get_filename_component(cases ${A_CASES_DIR} ABSOLUTE)
  get_filename_component(rules ${A_RULES} ABSOLUTE)
  list(JOIN A_RULE_KINDS "," kinds)
  if(A_VALIDATOR_ONLY)
    set(validator_only true)
  else()
    set(validator_only false)
  endif()
  reghub_add_test(${name} SOURCES ${CMAKE_SOURCE_DIR}/tests/support/rule_cases_main.cpp
    DEPS reghub_rule_cases ${A_DEPS} ADAPTERS)
  target_compile_definitions(${name} PRIVATE
    REGHUB_RULE_CASES_SUITE="${A_SUITE}"
    REGHUB_RULE_CASES_ADAPTER="${A_ADAPTER}"
    REGHUB_RULE_CASES_DIR="${cases}"
    REGHUB_RULE_CASES_RULES="${rules}"
    REGHUB_RULE_CASES_RULE_PREFIX="${A_RULE_PREFIX}"
    REGHUB_RULE_CASES_AS_OF="${A_AS_OF}"
    REGHUB_RULE_CASES_RULE_KINDS="${kinds}"
    REGHUB_RULE_CASES_MIN_RULES=${A_MIN_RULES}
    REGHUB_RULE_CASES_EXEMPTIONS="${exemptions}"
    REGHUB_RULE_CASES_VALIDATOR_ONLY=${validator_only})
endfunction()

# reghub_forbid_dependency(TARGET FORBIDDEN): fail the configure step when
# TARGET links FORBIDDEN, directly or through any target it links. Keeps the
# layering the folders promise (e.g. the store below the engine).
function(reghub_forbid_dependency target forbidden)
  set(seen "")
  set(todo ${target})
  while(todo)
    list(POP_FRONT todo t)
    if(t IN_LIST seen OR NOT TARGET ${t})
      continue()
    endif()
    list(APPEND seen ${t})
    if(t STREQUAL forbidden)
      message(FATAL_ERROR "${target} must not depend on ${forbidden} (see README, Layout)")
    endif()
    get_target_property(type ${t} TYPE)
    set(props INTERFACE_LINK_LIBRARIES)
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      list(APPEND props LINK_LIBRARIES)
    endif()
    foreach(p IN LISTS props)
      get_target_property(libs ${t} ${p})
      if(libs)
        foreach(l IN LISTS libs)
          if(NOT l MATCHES "^\\$<")
            list(APPEND todo ${l})
          endif()
        endforeach()
      endif()
    endforeach()
  endwhile()
endfunction()
