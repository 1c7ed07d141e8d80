// The daemon's own view of removal latency: pmbridge_removal_to_disable_seconds from its
// admin listener's GET /metrics. The daemon starts that clock when its follower hands it
// the notification and stops it at commit, so it covers the daemon's share only.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace pmbridge::bench {

struct RemovalHistogram {
  double count = 0;
  double sum_seconds = 0;
  std::vector<std::pair<std::string, double>> buckets;  // le -> cumulative count, in order

  // The smallest bucket bound holding at least `p` percent of the observations ("+Inf"
  // when only the last does), or "" without observations.
  std::string BoundOfPercentile(double p) const;
  // The observations made since `earlier`, a scrape of the same daemon.
  RemovalHistogram Since(const RemovalHistogram& earlier) const;
};

// GET http://127.0.0.1:<port>/metrics, and the histogram out of its Prometheus text. Throws
// std::runtime_error when the listener does not answer 200 or lacks the histogram.
RemovalHistogram ScrapeRemovalHistogram(int port);

}  // namespace pmbridge::bench
