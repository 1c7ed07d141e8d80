#include "bridge/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace pmbridge {
namespace {

[[maybe_unused]] bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

[[maybe_unused]] bool IsLabelName(std::string_view name) {
  return IsMetricName(name) && name.find(':') == std::string_view::npos &&
         name.substr(0, 2) != "__";  // reserved for Prometheus itself
}

// Prometheus parses sample values with Go's ParseFloat: integers print as integers, other
// values in their shortest round-trip form, and the specials as +Inf, -Inf, NaN.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::to_chars_result r{};
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(value));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, value);
  }
  return std::string(buf, r.ptr);
}

std::string FormatValue(std::uint64_t value) { return std::to_string(value); }

// HELP text escapes backslash and newline.
std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Label values also escape the double quote that delimits them.
std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void AppendHeader(std::string& out, const std::string& name, const std::string& help,
                  const char* type) {
  out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  out += "# TYPE " + name + " " + type + "\n";
}

}  // namespace

CounterFamily::CounterFamily(std::string label_name, const std::vector<std::string>& label_values)
    : label_name_(std::move(label_name)) {
  assert(IsLabelName(label_name_));
  for (const std::string& value : label_values) WithLabel(value);
}

Counter& CounterFamily::WithLabel(std::string_view label_value) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [value, counter] : series_) {
    if (value == label_value) return *counter;
  }
  series_.emplace_back(std::string(label_value), std::make_unique<Counter>());
  return *series_.back().second;
}

std::vector<std::pair<std::string, std::uint64_t>> CounterFamily::Values() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  out.reserve(series_.size());
  for (const auto& [value, counter] : series_) out.emplace_back(value, counter->value());
  return out;
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), bucket_counts_(upper_bounds_.size() + 1, 0) {
  assert(std::adjacent_find(upper_bounds_.begin(), upper_bounds_.end(),
                            [](double a, double b) { return !(a < b); }) == upper_bounds_.end());
  assert(std::all_of(upper_bounds_.begin(), upper_bounds_.end(),
                     [](double b) { return std::isfinite(b); }));
}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;  // it would turn _sum into NaN for good
  const auto it = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  const auto bucket = static_cast<std::size_t>(it - upper_bounds_.begin());
  std::lock_guard<std::mutex> lock(mutex_);
  ++bucket_counts_[bucket];
  sum_ += value;
  ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.upper_bounds = upper_bounds_;
  std::lock_guard<std::mutex> lock(mutex_);
  std::uint64_t running = 0;
  for (std::uint64_t n : bucket_counts_) {
    running += n;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

struct MetricsRegistry::Entry {
  std::string name;
  std::string help;
  std::unique_ptr<Counter> counter;
  std::unique_ptr<CounterFamily> family;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Entry& MetricsRegistry::Add(std::string name, std::string help) {
  assert(IsMetricName(name));
  std::lock_guard<std::mutex> lock(mutex_);
  assert(std::none_of(entries_.begin(), entries_.end(),
                      [&](const auto& e) { return e->name == name; }));
  entries_.push_back(std::make_unique<Entry>());
  entries_.back()->name = std::move(name);
  entries_.back()->help = std::move(help);
  return *entries_.back();
}

Counter& MetricsRegistry::AddCounter(std::string name, std::string help) {
  Entry& e = Add(std::move(name), std::move(help));
  e.counter = std::make_unique<Counter>();
  return *e.counter;
}

CounterFamily& MetricsRegistry::AddCounterFamily(std::string name, std::string help,
                                                 std::string label_name,
                                                 const std::vector<std::string>& label_values) {
  Entry& e = Add(std::move(name), std::move(help));
  e.family = std::make_unique<CounterFamily>(std::move(label_name), label_values);
  return *e.family;
}

Gauge& MetricsRegistry::AddGauge(std::string name, std::string help) {
  Entry& e = Add(std::move(name), std::move(help));
  e.gauge = std::make_unique<Gauge>();
  return *e.gauge;
}

Histogram& MetricsRegistry::AddHistogram(std::string name, std::string help,
                                         std::vector<double> upper_bounds) {
  Entry& e = Add(std::move(name), std::move(help));
  e.histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  return *e.histogram;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& e : entries_) {
    const std::string& name = e->name;
    if (e->counter) {
      AppendHeader(out, name, e->help, "counter");
      out += name + " " + FormatValue(e->counter->value()) + "\n";
    } else if (e->family) {
      AppendHeader(out, name, e->help, "counter");
      for (const auto& [value, count] : e->family->Values()) {
        out += name + "{" + e->family->label_name() + "=\"" + EscapeLabelValue(value) + "\"} " +
               FormatValue(count) + "\n";
      }
    } else if (e->gauge) {
      AppendHeader(out, name, e->help, "gauge");
      out += name + " " + FormatValue(e->gauge->value()) + "\n";
    } else if (e->histogram) {
      AppendHeader(out, name, e->help, "histogram");
      const Histogram::Snapshot s = e->histogram->snapshot();
      for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
        const std::string le = i < s.upper_bounds.size() ? FormatValue(s.upper_bounds[i]) : "+Inf";
        out += name + "_bucket{le=\"" + le + "\"} " + FormatValue(s.cumulative[i]) + "\n";
      }
      out += name + "_sum " + FormatValue(s.sum) + "\n";
      out += name + "_count " + FormatValue(s.count) + "\n";
    }
  }
  return out;
}

const char* FullReconcileResultName(FullReconcileResult result) {
  switch (result) {
    case FullReconcileResult::kApplied:
      return "applied";
    case FullReconcileResult::kNothing:
      return "nothing";
    case FullReconcileResult::kRefused:
      return "refused";
    case FullReconcileResult::kError:
      return "error";
  }
  return "?";
}

const std::vector<double>& BridgeMetrics::RemovalLatencyBuckets() {
  static const std::vector<double> buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,   0.25,   0.5,   1,    2.5,   10};
  return buckets;
}

BridgeMetrics::BridgeMetrics()
    : changes_(registry_.AddCounterFamily(
          "pmbridge_changes_total", "PM account changes applied, by action.", "action",
          {ChangeActionName(ChangeAction::kCreate), ChangeActionName(ChangeAction::kUpdate),
           ChangeActionName(ChangeAction::kDisable), ChangeActionName(ChangeAction::kEnable)})),
      conflicts_(registry_.AddGauge(
          "pmbridge_conflicts",
          "Logins the bridge will not touch until a human resolves a conflict.")),
      guard_holds_(registry_.AddCounter(
          "pmbridge_guard_holds_total",
          "Batches held back by the mass-disable guard (safety.max_disables_per_run).")),
      guard_held_disables_(registry_.AddGauge(
          "pmbridge_guard_held_disables",
          "Disables currently held by the mass-disable guard, waiting for a human.")),
      directory_errors_(registry_.AddCounter("pmbridge_directory_errors_total",
                                             "Failed directory connections and reads.")),
      database_errors_(
          registry_.AddCounter("pmbridge_database_errors_total", "Failed PM database operations.")),
      full_reconciles_(registry_.AddCounterFamily(
          "pmbridge_full_reconciles_total", "Full reconciles run, by result.", "result",
          {FullReconcileResultName(FullReconcileResult::kApplied),
           FullReconcileResultName(FullReconcileResult::kNothing),
           FullReconcileResultName(FullReconcileResult::kRefused),
           FullReconcileResultName(FullReconcileResult::kError)})),
      last_successful_sync_(registry_.AddGauge(
          "pmbridge_last_successful_sync_timestamp_seconds",
          "Unix time at which the database last matched the directory; 0 before the first.")),
      last_full_reconcile_(registry_.AddGauge(
          "pmbridge_last_full_reconcile_timestamp_seconds",
          "Unix time at which the last full reconcile finished without error; 0 before the "
          "first.")),
      removal_to_disable_(registry_.AddHistogram(
          "pmbridge_removal_to_disable_seconds",
          "Time from the directory's removal notification to the committed disable.",
          RemovalLatencyBuckets())),
      sync_position_known_(registry_.AddGauge(
          "pmbridge_sync_position_known",
          "1 when a directory sync position (cookie or USN) is stored, else 0.")) {}

void BridgeMetrics::RecordChange(ChangeAction action, std::uint64_t n) {
  changes_.Increment(ChangeActionName(action), n);
}

void BridgeMetrics::RecordAppliedPlan(const Plan& plan) {
  for (const Change& change : plan.changes) RecordChange(change.action);
}

void BridgeMetrics::SetConflicts(std::int64_t count) { conflicts_.Set(static_cast<double>(count)); }

void BridgeMetrics::RecordGuardHold() { guard_holds_.Increment(); }

void BridgeMetrics::SetGuardHeldDisables(std::int64_t count) {
  guard_held_disables_.Set(static_cast<double>(count));
}

void BridgeMetrics::RecordDirectoryError() { directory_errors_.Increment(); }

void BridgeMetrics::RecordDatabaseError() { database_errors_.Increment(); }

namespace {

double UnixSeconds(std::chrono::system_clock::time_point at) {
  // Milliseconds, like the log's timestamps: the same instant reads the same everywhere.
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  return static_cast<double>(ms) / 1000.0;
}

}  // namespace

void BridgeMetrics::RecordFullReconcile(FullReconcileResult result,
                                        std::chrono::system_clock::time_point at) {
  full_reconciles_.Increment(FullReconcileResultName(result));
  if (result != FullReconcileResult::kError) last_full_reconcile_.Set(UnixSeconds(at));
}

void BridgeMetrics::SetLastSuccessfulSync(std::chrono::system_clock::time_point at) {
  last_successful_sync_.Set(UnixSeconds(at));
}

void BridgeMetrics::ObserveRemovalToDisable(std::chrono::duration<double> latency) {
  removal_to_disable_.Observe(latency.count());
}

void BridgeMetrics::SetSyncPositionKnown(bool known) { sync_position_known_.Set(known ? 1 : 0); }

}  // namespace pmbridge
