#include "bench_data.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "hub/cli/commands.h"

namespace reghub::bench {

const std::string& syntheticNdjson() {
  static const std::string data = [] {
    const char* mb = std::getenv("REGHUB_BENCH_MB");
    const double target = (mb ? std::atof(mb) : 100.0) * 1e6;
    const auto path = std::filesystem::temp_directory_path() / "reghub-bench.ndjson";
    // Probe the size of one citizen, then generate the whole set.
    cli::cmdSynth({"--citizens", "200", "--seed", "1", "--as-of", "2026-11-01", "--out", path.string()});
    const double perCitizen = static_cast<double>(std::filesystem::file_size(path)) / 200.0;
    const int citizens = static_cast<int>(target / perCitizen) + 1;
    cli::cmdSynth({"--citizens", std::to_string(citizens), "--seed", "1", "--as-of", "2026-11-01", "--mistakes",
                   "0.05", "--out", path.string()});
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::filesystem::remove(path);
    std::cerr << "bench data: " << citizens << " citizens, " << ss.str().size() / 1e6 << " MB\n";
    return ss.str();
  }();
  return data;
}

}  // namespace reghub::bench
