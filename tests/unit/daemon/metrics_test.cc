#include "bridge/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace pmbridge {
namespace {

using namespace std::chrono_literals;

// 2026-11-23T08:50:51.123Z
std::chrono::system_clock::time_point At() {
  return std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 8h + 50min + 51s + 123ms;
}

// The whole exposition of a fresh BridgeMetrics: every series present at zero.
constexpr const char* kFreshGolden =
    R"(# HELP pmbridge_changes_total PM account changes applied, by action.
# TYPE pmbridge_changes_total counter
pmbridge_changes_total{action="create"} 0
pmbridge_changes_total{action="update"} 0
pmbridge_changes_total{action="disable"} 0
pmbridge_changes_total{action="enable"} 0
# HELP pmbridge_conflicts Logins the bridge will not touch until a human resolves a conflict.
# TYPE pmbridge_conflicts gauge
pmbridge_conflicts 0
# HELP pmbridge_guard_holds_total Batches held back by the mass-disable guard (safety.max_disables_per_run).
# TYPE pmbridge_guard_holds_total counter
pmbridge_guard_holds_total 0
# HELP pmbridge_guard_held_disables Disables currently held by the mass-disable guard, waiting for a human.
# TYPE pmbridge_guard_held_disables gauge
pmbridge_guard_held_disables 0
# HELP pmbridge_directory_errors_total Failed directory connections and reads.
# TYPE pmbridge_directory_errors_total counter
pmbridge_directory_errors_total 0
# HELP pmbridge_database_errors_total Failed PM database operations.
# TYPE pmbridge_database_errors_total counter
pmbridge_database_errors_total 0
# HELP pmbridge_full_reconciles_total Full reconciles run, by result.
# TYPE pmbridge_full_reconciles_total counter
pmbridge_full_reconciles_total{result="applied"} 0
pmbridge_full_reconciles_total{result="nothing"} 0
pmbridge_full_reconciles_total{result="refused"} 0
pmbridge_full_reconciles_total{result="error"} 0
# HELP pmbridge_last_successful_sync_timestamp_seconds Unix time at which the database last matched the directory; 0 before the first.
# TYPE pmbridge_last_successful_sync_timestamp_seconds gauge
pmbridge_last_successful_sync_timestamp_seconds 0
# HELP pmbridge_last_full_reconcile_timestamp_seconds Unix time at which the last full reconcile finished without error; 0 before the first.
# TYPE pmbridge_last_full_reconcile_timestamp_seconds gauge
pmbridge_last_full_reconcile_timestamp_seconds 0
# HELP pmbridge_removal_to_disable_seconds Time from the directory's removal notification to the committed disable.
# TYPE pmbridge_removal_to_disable_seconds histogram
pmbridge_removal_to_disable_seconds_bucket{le="0.001"} 0
pmbridge_removal_to_disable_seconds_bucket{le="0.0025"} 0
pmbridge_removal_to_disable_seconds_bucket{le="0.005"} 0
pmbridge_removal_to_disable_seconds_bucket{le="0.01"} 0
pmbridge_removal_to_disable_seconds_bucket{le="0.025"} 0
pmbridge_removal_to_disable_seconds_bucket{le="0.05"} 0
pmbridge_removal_to_disable_seconds_bucket{le="0.1"} 0
pmbridge_removal_to_disable_seconds_bucket{le="0.25"} 0
pmbridge_removal_to_disable_seconds_bucket{le="0.5"} 0
pmbridge_removal_to_disable_seconds_bucket{le="1"} 0
pmbridge_removal_to_disable_seconds_bucket{le="2.5"} 0
pmbridge_removal_to_disable_seconds_bucket{le="10"} 0
pmbridge_removal_to_disable_seconds_bucket{le="+Inf"} 0
pmbridge_removal_to_disable_seconds_sum 0
pmbridge_removal_to_disable_seconds_count 0
# HELP pmbridge_sync_position_known 1 when a directory sync position (cookie or USN) is stored, else 0.
# TYPE pmbridge_sync_position_known gauge
pmbridge_sync_position_known 0
)";

constexpr const char* kBusyGolden =
    R"(# HELP pmbridge_changes_total PM account changes applied, by action.
# TYPE pmbridge_changes_total counter
pmbridge_changes_total{action="create"} 3
pmbridge_changes_total{action="update"} 1
pmbridge_changes_total{action="disable"} 2
pmbridge_changes_total{action="enable"} 0
# HELP pmbridge_conflicts Logins the bridge will not touch until a human resolves a conflict.
# TYPE pmbridge_conflicts gauge
pmbridge_conflicts 1
# HELP pmbridge_guard_holds_total Batches held back by the mass-disable guard (safety.max_disables_per_run).
# TYPE pmbridge_guard_holds_total counter
pmbridge_guard_holds_total 1
# HELP pmbridge_guard_held_disables Disables currently held by the mass-disable guard, waiting for a human.
# TYPE pmbridge_guard_held_disables gauge
pmbridge_guard_held_disables 40
# HELP pmbridge_directory_errors_total Failed directory connections and reads.
# TYPE pmbridge_directory_errors_total counter
pmbridge_directory_errors_total 2
# HELP pmbridge_database_errors_total Failed PM database operations.
# TYPE pmbridge_database_errors_total counter
pmbridge_database_errors_total 1
# HELP pmbridge_full_reconciles_total Full reconciles run, by result.
# TYPE pmbridge_full_reconciles_total counter
pmbridge_full_reconciles_total{result="applied"} 1
pmbridge_full_reconciles_total{result="nothing"} 0
pmbridge_full_reconciles_total{result="refused"} 0
pmbridge_full_reconciles_total{result="error"} 1
# HELP pmbridge_last_successful_sync_timestamp_seconds Unix time at which the database last matched the directory; 0 before the first.
# TYPE pmbridge_last_successful_sync_timestamp_seconds gauge
pmbridge_last_successful_sync_timestamp_seconds 1795423851.123
# HELP pmbridge_last_full_reconcile_timestamp_seconds Unix time at which the last full reconcile finished without error; 0 before the first.
# TYPE pmbridge_last_full_reconcile_timestamp_seconds gauge
pmbridge_last_full_reconcile_timestamp_seconds 1795423800
# HELP pmbridge_removal_to_disable_seconds Time from the directory's removal notification to the committed disable.
# TYPE pmbridge_removal_to_disable_seconds histogram
pmbridge_removal_to_disable_seconds_bucket{le="0.001"} 1
pmbridge_removal_to_disable_seconds_bucket{le="0.0025"} 1
pmbridge_removal_to_disable_seconds_bucket{le="0.005"} 1
pmbridge_removal_to_disable_seconds_bucket{le="0.01"} 1
pmbridge_removal_to_disable_seconds_bucket{le="0.025"} 1
pmbridge_removal_to_disable_seconds_bucket{le="0.05"} 1
pmbridge_removal_to_disable_seconds_bucket{le="0.1"} 1
pmbridge_removal_to_disable_seconds_bucket{le="0.25"} 1
pmbridge_removal_to_disable_seconds_bucket{le="0.5"} 3
pmbridge_removal_to_disable_seconds_bucket{le="1"} 3
pmbridge_removal_to_disable_seconds_bucket{le="2.5"} 4
pmbridge_removal_to_disable_seconds_bucket{le="10"} 4
pmbridge_removal_to_disable_seconds_bucket{le="+Inf"} 5
pmbridge_removal_to_disable_seconds_sum 23.0009765625
pmbridge_removal_to_disable_seconds_count 5
# HELP pmbridge_sync_position_known 1 when a directory sync position (cookie or USN) is stored, else 0.
# TYPE pmbridge_sync_position_known gauge
pmbridge_sync_position_known 1
)";

TEST(BridgeMetricsTest, FreshMetricsRenderEverySeriesAtZero) {
  BridgeMetrics metrics;
  EXPECT_EQ(metrics.RenderPrometheus(), kFreshGolden);
}

TEST(BridgeMetricsTest, RendersTheDaemonsEvents) {
  BridgeMetrics metrics;
  Plan plan;
  for (ChangeAction action : {ChangeAction::kCreate, ChangeAction::kCreate, ChangeAction::kUpdate,
                              ChangeAction::kDisable}) {
    Change change;
    change.action = action;
    plan.changes.push_back(change);
  }
  metrics.RecordAppliedPlan(plan);
  metrics.RecordChange(ChangeAction::kCreate);
  metrics.RecordChange(ChangeAction::kDisable);
  metrics.SetConflicts(1);
  metrics.RecordGuardHold();
  metrics.SetGuardHeldDisables(40);
  metrics.RecordDirectoryError();
  metrics.RecordDirectoryError();
  metrics.RecordDatabaseError();
  metrics.RecordFullReconcile(FullReconcileResult::kApplied, At() - 51123ms);
  // A failed reconcile is counted but does not move the last-reconcile time.
  metrics.RecordFullReconcile(FullReconcileResult::kError, At());
  metrics.SetLastSuccessfulSync(At());
  // One per kind of bucket: below the first bound, on a bound twice, between bounds, and
  // past the last bound (only +Inf). The values are exact in binary, so _sum is too.
  metrics.ObserveRemovalToDisable(std::chrono::duration<double>(0.0009765625));
  metrics.ObserveRemovalToDisable(500ms);
  metrics.ObserveRemovalToDisable(500ms);
  metrics.ObserveRemovalToDisable(2s);
  metrics.ObserveRemovalToDisable(20s);
  metrics.SetSyncPositionKnown(true);
  EXPECT_EQ(metrics.RenderPrometheus(), kBusyGolden);
}

TEST(HistogramTest, BoundsAreInclusiveAndCountsCumulative) {
  Histogram histogram({0.005, 0.01});
  histogram.Observe(0.005);  // le="0.005" includes its bound
  histogram.Observe(0.0050001);
  histogram.Observe(0.01);
  histogram.Observe(0.02);
  histogram.Observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  const Histogram::Snapshot s = histogram.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1, 3, 4}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_FALSE(std::isnan(s.sum));
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  CounterFamily& family = registry.AddCounterFamily(
      "pmbridge_test_total", "Help with a \\ backslash\nand a newline.", "group", {});
  family.Increment("cn=\"odd\\group\"\nnext", 2);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP pmbridge_test_total Help with a \\\\ backslash\\nand a newline.\n"
            "# TYPE pmbridge_test_total counter\n"
            "pmbridge_test_total{group=\"cn=\\\"odd\\\\group\\\"\\nnext\"} 2\n");
}

TEST(MetricsRegistryTest, RendersSpecialAndFractionalGaugeValues) {
  MetricsRegistry registry;
  Gauge& inf = registry.AddGauge("a", "a");
  Gauge& neg_inf = registry.AddGauge("b", "b");
  Gauge& nan = registry.AddGauge("c", "c");
  Gauge& fraction = registry.AddGauge("d", "d");
  Gauge& negative = registry.AddGauge("e", "e");
  Gauge& huge = registry.AddGauge("f", "f");
  inf.Set(std::numeric_limits<double>::infinity());
  neg_inf.Set(-std::numeric_limits<double>::infinity());
  nan.Set(std::numeric_limits<double>::quiet_NaN());
  fraction.Set(0.1);
  negative.Set(-3);
  huge.Set(1e20);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP a a\n# TYPE a gauge\na +Inf\n"
            "# HELP b b\n# TYPE b gauge\nb -Inf\n"
            "# HELP c c\n# TYPE c gauge\nc NaN\n"
            "# HELP d d\n# TYPE d gauge\nd 0.1\n"
            "# HELP e e\n# TYPE e gauge\ne -3\n"
            "# HELP f f\n# TYPE f gauge\nf 1e+20\n");
}

TEST(MetricsRegistryTest, CountsFromManyThreadsAddUp) {
  BridgeMetrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics] {
      for (int i = 0; i < 1000; ++i) {
        metrics.RecordChange(ChangeAction::kEnable);
        metrics.ObserveRemovalToDisable(std::chrono::milliseconds(3));
        if (i % 100 == 0) (void)metrics.RenderPrometheus();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string text = metrics.RenderPrometheus();
  EXPECT_NE(text.find("pmbridge_changes_total{action=\"enable\"} 4000\n"), std::string::npos);
  EXPECT_NE(text.find("pmbridge_removal_to_disable_seconds_bucket{le=\"0.0025\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("pmbridge_removal_to_disable_seconds_bucket{le=\"0.005\"} 4000\n"),
            std::string::npos);
  EXPECT_NE(text.find("pmbridge_removal_to_disable_seconds_count 4000\n"), std::string::npos);
}

}  // namespace
}  // namespace pmbridge
