// Metrics: what the daemon counts, and their Prometheus text exposition (format 0.0.4) for
// GET /metrics. No I/O here: the admin listener serves RenderPrometheus().
//
// MetricsRegistry holds generic counters, gauges and histograms in registration order;
// BridgeMetrics is the concrete set the daemon updates, with methods named for the events
// of the domain.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/plan.h"

namespace pmbridge {

// A monotonically increasing count.
class Counter {
 public:
  void Increment(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counters that differ by the value of one label, e.g. pmbridge_changes_total{action=...}.
class CounterFamily {
 public:
  // The series for `label_values` exist from the start, so they render as 0 before the
  // first event (Prometheus rate() needs the zero).
  CounterFamily(std::string label_name, const std::vector<std::string>& label_values);

  // The series for `label_value`, created on first use; the reference stays valid.
  Counter& WithLabel(std::string_view label_value);
  void Increment(std::string_view label_value, std::uint64_t n = 1) {
    WithLabel(label_value).Increment(n);
  }

  const std::string& label_name() const { return label_name_; }
  // The (label value, count) pairs in the order the values were first seen.
  std::vector<std::pair<std::string, std::uint64_t>> Values() const;

 private:
  std::string label_name_;
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::unique_ptr<Counter>>> series_;
};

// Observations counted into buckets with fixed upper bounds (seconds, bytes, ...).
class Histogram {
 public:
  struct Snapshot {
    std::vector<double> upper_bounds;       // ascending, without +Inf
    std::vector<std::uint64_t> cumulative;  // one per bound, then one for +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };

  // `upper_bounds` must be strictly ascending and finite; +Inf is implied.
  explicit Histogram(std::vector<double> upper_bounds);

  // Counts `value` into the first bucket whose bound is >= value (le: less or equal).
  // NaN is ignored.
  void Observe(double value);
  // A consistent copy: the bucket counts, sum and count of the same instant.
  Snapshot snapshot() const;

 private:
  const std::vector<double> upper_bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> bucket_counts_;  // not cumulative; the last is +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// Metrics in registration order. Thread-safe; the owner normally registers everything at
// construction, so every metric renders from the first scrape.
class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // `name` must be a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), unique in the registry;
  // counters end in "_total". The returned references live as long as the registry.
  Counter& AddCounter(std::string name, std::string help);
  CounterFamily& AddCounterFamily(std::string name, std::string help, std::string label_name,
                                  const std::vector<std::string>& label_values);
  Gauge& AddGauge(std::string name, std::string help);
  Histogram& AddHistogram(std::string name, std::string help, std::vector<double> upper_bounds);

  // The text exposition format 0.0.4: per metric "# HELP" and "# TYPE" lines and its
  // samples, each line ending in '\n'. Label values escape \ " and newline; HELP text
  // escapes \ and newline; histograms give cumulative _bucket{le=...} series ending with
  // le="+Inf", then _sum and _count.
  std::string RenderPrometheus() const;

 private:
  struct Entry;
  Entry& Add(std::string name, std::string help);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

// The outcome of a full reconcile, as counted by pmbridge_full_reconciles_total{result}.
enum class FullReconcileResult { kApplied, kNothing, kRefused, kError };

// "applied", "nothing", "refused", "error".
const char* FullReconcileResultName(FullReconcileResult result);

// The metrics of DESIGN.md "The daemon". Thread-safe: the daemon loop updates them while
// the admin listener renders.
class BridgeMetrics {
 public:
  // Buckets for the removal-to-disable latency, 1 ms to 10 s (the target is p99 < 50 ms).
  static const std::vector<double>& RemovalLatencyBuckets();

  BridgeMetrics();

  // An applied change: pmbridge_changes_total{action}.
  void RecordChange(ChangeAction action, std::uint64_t n = 1);
  // Every applied change of a committed plan.
  void RecordAppliedPlan(const Plan& plan);
  // Login conflicts the bridge currently will not touch: pmbridge_conflicts.
  void SetConflicts(std::int64_t count);
  // A batch held back by the mass-disable guard: pmbridge_guard_holds_total, and the
  // disables now waiting for a human: pmbridge_guard_held_disables.
  void RecordGuardHold();
  void SetGuardHeldDisables(std::int64_t count);
  // Failed directory reads or connections, failed database operations.
  void RecordDirectoryError();
  void RecordDatabaseError();
  // A full reconcile finished: pmbridge_full_reconciles_total{result} and, unless it
  // failed, pmbridge_last_full_reconcile_timestamp_seconds.
  void RecordFullReconcile(FullReconcileResult result, std::chrono::system_clock::time_point at);
  // Directory and database were in step at `at` (a batch or reconcile committed, or there
  // was nothing to do): pmbridge_last_successful_sync_timestamp_seconds.
  void SetLastSuccessfulSync(std::chrono::system_clock::time_point at);
  // From the directory's removal notification to the committed disable.
  void ObserveRemovalToDisable(std::chrono::duration<double> latency);
  // Whether a sync cookie / USN is stored, so a restart resumes instead of re-reading.
  void SetSyncPositionKnown(bool known);

  std::string RenderPrometheus() const { return registry_.RenderPrometheus(); }

 private:
  MetricsRegistry registry_;
  CounterFamily& changes_;
  Gauge& conflicts_;
  Counter& guard_holds_;
  Gauge& guard_held_disables_;
  Counter& directory_errors_;
  Counter& database_errors_;
  CounterFamily& full_reconciles_;
  Gauge& last_successful_sync_;
  Gauge& last_full_reconcile_;
  Histogram& removal_to_disable_;
  Gauge& sync_position_known_;
};

}  // namespace pmbridge
