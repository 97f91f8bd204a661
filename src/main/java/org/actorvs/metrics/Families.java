package org.actorvs.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The metric families of one scrape, filled data point by data point in any order and built once.
 * Names follow client_java 1.x: a counter is named without its {@code _total}, which the exposition
 * adds.
 */
final class Families {
    private final Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
    private final Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
    private final Map<String, HistogramSnapshot.Builder> histograms = new LinkedHashMap<>();
    private final List<MetricSnapshot> others = new ArrayList<>();

    /** A counter's data point; {@code labels} are name, value pairs. */
    void counter(String name, String help, double value, String... labels) {
        counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help))
                .dataPoint(CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
    }

    void gauge(String name, String help, double value, String... labels) {
        gauges.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
    }

    void histogram(String name, String help, HistogramDataPointSnapshot point) {
        histograms.computeIfAbsent(name, n -> HistogramSnapshot.builder().name(n).help(help)).dataPoint(point);
    }

    /** A whole family built elsewhere; its name must be one no data point above uses. */
    void add(MetricSnapshot family) {
        others.add(family);
    }

    MetricSnapshots build() {
        List<MetricSnapshot> all = new ArrayList<>(others);
        counters.values().forEach(b -> all.add(b.build()));
        gauges.values().forEach(b -> all.add(b.build()));
        histograms.values().forEach(b -> all.add(b.build()));
        return new MetricSnapshots(all);
    }
}
