#include "tests/bench/latency_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace pmbridge::bench {

void LatencySummary::Add(std::chrono::steady_clock::duration d) {
  ms_.push_back(std::chrono::duration<double, std::milli>(d).count());
}

double LatencySummary::Percentile(double p) const {
  if (ms_.empty()) return 0;
  std::vector<double> sorted = ms_;
  std::sort(sorted.begin(), sorted.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

double LatencySummary::Max() const {
  return ms_.empty() ? 0 : *std::max_element(ms_.begin(), ms_.end());
}

double LatencySummary::Mean() const {
  return ms_.empty()
             ? 0
             : std::accumulate(ms_.begin(), ms_.end(), 0.0) / static_cast<double>(ms_.size());
}

std::string LatencySummary::Row(const std::string& label) const {
  char line[256];
  std::snprintf(line, sizeof line, "%-48s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (n=%zu)",
                label.c_str(), Percentile(50), Percentile(99), Max(), ms_.size());
  return line;
}

}  // namespace pmbridge::bench
