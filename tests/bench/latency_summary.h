// Latency samples and the one-line summaries the benchmark prints.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pmbridge::bench {

class LatencySummary {
 public:
  void Add(std::chrono::steady_clock::duration d);

  std::size_t count() const { return ms_.size(); }
  // Nearest-rank percentile (0 < p <= 100), in milliseconds; 0 without samples.
  double Percentile(double p) const;
  double Max() const;
  double Mean() const;

  // "<label padded>  p50   2.71 ms  p99   4.10 ms  max   6.02 ms  (n=200)".
  std::string Row(const std::string& label) const;

 private:
  std::vector<double> ms_;
};

}  // namespace pmbridge::bench
