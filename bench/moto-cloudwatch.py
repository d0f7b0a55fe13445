"""moto_server for the CloudWatch benchmark: stock moto 5.2.1 with one change.

    python3 bench/moto-cloudwatch.py --port 7029 --capabilities 100 --hours 24

moto's GetMetricData scans every stored data point for every period of every
query (for a 24-hour view at 1-minute points over 24 h of data for 100
capabilities: 1,440 periods x 720,000 points, per query, i.e. minutes per
call), which would measure moto, not the portal. This launcher replaces only
that method with one that keeps the data points of each metric sorted by time
and reads each period's points by bisection; the statistics are moto's own
(`Statistics.get_statistics_for_type`), the wire protocol is moto's server.

It also publishes the benchmark's data before serving: per capability and
minute, `success`, `error`, `degraded`, `breaker.open` and `latency.p95` in
namespace `stackpro.capability` with dimension `capability=cap-<i>`.
"""
import argparse
import bisect
import random
from datetime import datetime, timedelta, timezone

from moto.cloudwatch import models
from moto.cloudwatch.models import CloudWatchBackend, Statistics, ValidationError
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

NAMESPACE = "stackpro.capability"
INDEX = {}
INDEXED_COUNT = {}


def naive_utc(moment):
    """Timestamps compared as naive UTC (moto mixes aware and naive ones)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def key_of(namespace, name, dimensions):
    return (namespace, name, tuple(sorted((d.name, d.value) for d in dimensions)))


def index_of(backend):
    """Points of each (namespace, metric, dimensions), sorted by time."""
    points = backend.get_all_metrics()
    if INDEXED_COUNT.get(id(backend)) != len(points):
        index = {}
        for datum in points:
            index.setdefault(key_of(datum.namespace, datum.name, datum.dimensions), []).append(datum)
        for series in index.values():
            series.sort(key=lambda d: naive_utc(d.timestamp))
        INDEX[id(backend)] = ({k: [naive_utc(d.timestamp) for d in v] for k, v in index.items()}, index)
        INDEXED_COUNT[id(backend)] = len(points)
    return INDEX[id(backend)]


def get_metric_data(self, queries, start_time, end_time, scan_by="TimestampAscending"):
    start_time = start_time.replace(microsecond=0)
    end_time = end_time.replace(microsecond=0)
    if start_time >= end_time:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    times, index = index_of(self)
    results = []
    for query in queries:
        if "MetricStat" not in query:
            continue
        stat_spec = query["MetricStat"]
        metric = stat_spec["Metric"]
        dims = [models.Dimension(d["Name"], d["Value"]) for d in metric.get("Dimensions", [])]
        key = key_of(metric["Namespace"], metric["MetricName"], dims)
        series_times = times.get(key, [])
        series = index.get(key, [])
        delta = timedelta(seconds=int(stat_spec["Period"]))
        stat = stat_spec["Stat"]
        values, stamps = [], []
        period_start = start_time
        while period_start < end_time:
            lo = bisect.bisect_left(series_times, naive_utc(period_start))
            hi = bisect.bisect_left(series_times, naive_utc(period_start + delta))
            if hi > lo:
                stats = Statistics([stat], period_start)
                stats.metric_data = series[lo:hi]
                values.append(stats.get_statistics_for_type(stat))
                stamps.append(period_start)
            period_start += delta
        if scan_by == "TimestampDescending":
            values.reverse()
            stamps.reverse()
        if query.get("ReturnData", True):
            results.append(
                {
                    "id": query["Id"],
                    "label": query.get("Label") or f"{metric['MetricName']} {stat}",
                    "values": values,
                    "timestamps": stamps,
                    "status_code": "Complete",
                }
            )
    return results


def seed(capabilities, hours):
    backend = models.cloudwatch_backends["123456789012"]["us-west-2"]
    rng = random.Random(42)
    end = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    data = []
    for c in range(capabilities):
        dims = [{"Name": "capability", "Value": f"cap-{c}"}]
        for m in range(hours * 60):
            at = end - timedelta(minutes=m, seconds=30)
            ok = rng.randint(50, 150)
            err = 1 if rng.random() < 0.05 else 0
            for name, value in (
                ("success", ok),
                ("error", err),
                ("degraded", 1 if rng.random() < 0.02 else 0),
                ("breaker.open", 0),
                ("latency.p95", rng.uniform(40, 220)),
            ):
                data.append({"MetricName": name, "Dimensions": dims, "Timestamp": at, "Value": value, "Unit": "None"})
    backend.put_metric_data(NAMESPACE, data)
    return len(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--capabilities", type=int, default=100)
    parser.add_argument("--hours", type=int, default=24)
    args = parser.parse_args()
    CloudWatchBackend.get_metric_data = get_metric_data
    count = seed(args.capabilities, args.hours)
    print(f"seeded {count} data points", flush=True)
    app = DomainDispatcherApplication(create_backend_app)
    run_simple("127.0.0.1", args.port, app, threaded=True)


if __name__ == "__main__":
    main()
