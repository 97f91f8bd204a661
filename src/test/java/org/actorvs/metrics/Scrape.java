package org.actorvs.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape in the Prometheus text format, parsed into series: what a Prometheus server would store. */
record Scrape(String text, List<Series> series) {
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Series(String name, Map<String, String> labels, double value) {
    }

    static Scrape parse(String text) {
        List<Series> all = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, brace >= 0 ? brace : space);
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0) {
                Matcher m = LABEL.matcher(line.substring(brace, line.lastIndexOf('}') + 1));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            all.add(new Series(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return new Scrape(text, all);
    }

    /** The sum of every series of {@code name} whose labels include {@code labels} (name, value pairs). */
    double sum(String name, String... labels) {
        double total = 0;
        for (Series s : select(name, labels)) {
            total += s.value();
        }
        return total;
    }

    /** The one series of {@code name} with these labels; fails when there is none or several. */
    double value(String name, String... labels) {
        List<Series> found = select(name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " series " + name + " " + List.of(labels) + " in\n" + text);
        }
        return found.get(0).value();
    }

    List<Series> select(String name, String... labels) {
        List<Series> out = new ArrayList<>();
        for (Series s : series) {
            boolean match = s.name().equals(name);
            for (int i = 0; match && i < labels.length; i += 2) {
                match = labels[i + 1].equals(s.labels().get(labels[i]));
            }
            if (match) {
                out.add(s);
            }
        }
        return out;
    }
}
