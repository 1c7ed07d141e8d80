#!/usr/bin/env python3
"""Prints the scale benchmark's table (tests/bench/scale.sh) from its results file.

Each line of the file: size, backend ("-" for the directory), figure, value (milliseconds,
or kilobytes for *_kb). Every figure is shown beside the raw limit measured in the same run
and the ratio, with DESIGN.md's target; nothing here passes or fails.
"""
import collections
import sys

LABELS = {"sqlite3": "SQLite", "postgresql": "PostgreSQL"}


def main(path):
    values = collections.defaultdict(dict)
    sizes, backends = [], []
    with open(path) as f:
        for line in f:
            size, backend, figure, value = line.rstrip("\n").split("\t")
            size = int(size)
            values[(size, backend)][figure] = int(value)
            if size not in sizes:
                sizes.append(size)
            if backend != "-" and backend not in backends:
                backends.append(backend)

    rows = []
    per_person = collections.defaultdict(dict)  # (backend, figure) -> size -> us/person
    for size in sizes:
        raw_read = values[(size, "-")]["raw_read"]
        for backend in backends:
            v = values.get((size, backend))
            if not v:
                continue
            name = LABELS.get(backend, backend)
            raw_first = raw_read + v["raw_load"]
            rows.append((size, name, "first reconcile", v["first"],
                         "read %d + load %d = %d" % (raw_read, v["raw_load"], raw_first),
                         v["first"] / raw_first, "<= 1.5"))
            rows.append((size, name, "no-op reconcile", v["noop"], "read %d" % raw_read,
                         v["noop"] / raw_read, "<= 1.3"))
            if "noop_pair_permille" in v:
                rows.append((size, name, "no-op, paired", v["noop"],
                             "read %d just before each" % v["noop_pair_raw"],
                             v["noop_pair_permille"] / 1000, "<= 1.3"))
            rows.append((size, name, "1% churn reconcile", v["churn"], "read %d" % raw_read,
                         v["churn"] / raw_read, ""))
            peak = max(v["first_kb"], v["noop_kb"], v["churn_kb"]) / 1024
            each = "first %d, no-op %d, churn %d" % tuple(
                v[k] / 1024 for k in ("first_kb", "noop_kb", "churn_kb"))
            rows.append((size, name, "peak memory (MB)", peak, each, None, "< 300"))
            for figure in ("first", "noop", "churn"):
                per_person[(name, figure)][size] = v[figure] * 1000 / size

    print("%9s  %-10s  %-19s  %10s  %-34s  %6s  %s" %
          ("people", "database", "figure", "pmbridge", "raw limit (ms)", "ratio", "target"))
    for size, name, figure, value, raw, ratio, target in rows:
        shown = "%.0f MB" % value if figure.startswith("peak") else "%d ms" % value
        print("%9d  %-10s  %-19s  %10s  %-34s  %6s  %s" %
              (size, name, figure, shown, raw, "" if ratio is None else "%.2f" % ratio, target))

    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print("\nLinearity: time per person at %d / at %d (1.00 = linear)" % (large, small))
        for (name, figure), by_size in per_person.items():
            if small in by_size and large in by_size:
                print("  %-10s  %-6s  %.1f us -> %.1f us  %.2f" %
                      (name, figure, by_size[small], by_size[large],
                       by_size[large] / by_size[small]))
        raw = {s: values[(s, "-")]["raw_read"] * 1000 / s for s in (small, large)}
        print("  %-10s  %-6s  %.1f us -> %.1f us  %.2f" %
              ("raw read", "", raw[small], raw[large], raw[large] / raw[small]))


if __name__ == "__main__":
    main(sys.argv[1])
