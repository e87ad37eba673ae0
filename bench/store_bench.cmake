# The delivery store benchmark (issue #5). Include from bench/CMakeLists.txt:
#   include(${CMAKE_CURRENT_SOURCE_DIR}/store_bench.cmake)
# Its own binary: it links the store, not the ingest benchmark's data.
add_executable(reghub_store_bench ${CMAKE_CURRENT_LIST_DIR}/store_transitions.cpp)
target_link_libraries(reghub_store_bench PRIVATE reghub_store benchmark::benchmark benchmark::benchmark_main)
