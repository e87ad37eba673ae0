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
