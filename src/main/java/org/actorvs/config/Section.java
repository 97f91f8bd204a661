package org.actorvs.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

/**
 * One HOCON object of the configuration, read strictly: only the keys it declares may appear, every
 * value is type- and range-checked, and every complaint is a {@link ConfigError} naming the file,
 * line and full key path. Typesafe Config's own getters are not used for scalars because they
 * convert silently ("12" becomes 12, a bare number becomes milliseconds); here a wrong type says
 * what was expected.
 */
final class Section {
    private final String sourceName;
    private final String path;
    private final ConfigObject object;

    /** Reads {@code object} at {@code path}; any key outside {@code keys} is an error. */
    Section(String sourceName, String path, ConfigObject object, String... keys) throws ConfigError {
        this.sourceName = sourceName;
        this.path = path;
        this.object = object;
        List<String> allowed = Arrays.asList(keys);
        for (String k : object.keySet()) {
            if (!allowed.contains(k)) {
                String hint = closest(k, allowed);
                throw errorAt(object.get(k), child(k), "unknown key"
                        + (hint == null ? " (expected one of " + String.join(", ", allowed) + ")"
                                : " (did you mean '" + hint + "'?)"));
            }
        }
    }

    String path() {
        return path;
    }

    /** The full path of a key of this section. */
    String child(String key) {
        String quoted = ConfigUtil.joinPath(key);
        return path.isEmpty() ? quoted : path + "." + quoted;
    }

    boolean has(String key) {
        ConfigValue v = object.get(key);
        return v != null && v.valueType() != ConfigValueType.NULL;
    }

    /** An error about this whole section, located where it starts. */
    ConfigError error(String problem) {
        return errorAt(object, path, problem);
    }

    /** An error about one key, located at its value (or at the section when the key is missing). */
    ConfigError error(String key, String problem) {
        return errorAt(has(key) ? object.get(key) : object, child(key), problem);
    }

    ConfigError errorAt(ConfigValue where, String key, String problem) {
        return located(sourceName, where == null ? null : where.origin(), key, problem);
    }

    static ConfigError located(String sourceName, ConfigOrigin origin, String key, String problem) {
        String file = origin != null && origin.filename() != null ? origin.filename() : sourceName;
        int line = origin == null ? 0 : Math.max(origin.lineNumber(), 0);
        return new ConfigError(file, line, key, problem);
    }

    // ---------------------------------------------------------------- scalars

    String string(String key, String expected) throws ConfigError {
        return optString(key, expected).orElseThrow(() -> error(key, "missing (expected " + expected + ")"));
    }

    Optional<String> optString(String key, String expected) throws ConfigError {
        if (!has(key)) {
            return Optional.empty();
        }
        ConfigValue v = object.get(key);
        if (v.valueType() != ConfigValueType.STRING) {
            throw error(key, "expected " + expected + ", found " + describe(v));
        }
        String s = ((String) v.unwrapped()).trim();
        if (s.isEmpty()) {
            throw error(key, "empty (expected " + expected + ")");
        }
        return Optional.of(s);
    }

    /** One of the given words, case-insensitive; returned in lower case. */
    String word(String key, String defaultWord, String... words) throws ConfigError {
        String expected = String.join(", ", words);
        Optional<String> s = optString(key, "one of " + expected);
        if (s.isEmpty()) {
            if (defaultWord == null) {
                throw error(key, "missing (expected one of " + expected + ")");
            }
            return defaultWord;
        }
        String w = s.get().toLowerCase(Locale.ROOT);
        if (!Arrays.asList(words).contains(w)) {
            throw error(key, "'" + s.get() + "' is not one of " + expected);
        }
        return w;
    }

    long integer(String key, long min, long max, long defaultValue) throws ConfigError {
        return has(key) ? integer(key, min, max) : defaultValue;
    }

    long integer(String key, long min, long max) throws ConfigError {
        String expected = "an integer " + min + ".." + max;
        if (!has(key)) {
            throw error(key, "missing (expected " + expected + ")");
        }
        ConfigValue v = object.get(key);
        if (v.valueType() != ConfigValueType.NUMBER) {
            throw error(key, "expected " + expected + ", found " + describe(v));
        }
        Number n = (Number) v.unwrapped();
        if (n instanceof Double) {
            throw error(key, n + " is not an integer (expected " + expected + ")");
        }
        if (n.longValue() < min || n.longValue() > max) {
            throw error(key, n + " is out of range (expected " + expected + ")");
        }
        return n.longValue();
    }

    /**
     * A switch: HOCON's true/false/on/off/yes/no, or 0/1 as the sysctl files under
     * /proc/sys/net/ipv4/vs are written.
     */
    boolean bool(String key, boolean defaultValue) throws ConfigError {
        if (!has(key)) {
            return defaultValue;
        }
        ConfigValue v = object.get(key);
        Object u = v.unwrapped();
        switch (v.valueType()) {
            case BOOLEAN:
                return (Boolean) u;
            case NUMBER:
                if (u instanceof Integer i && (i == 0 || i == 1)) {
                    return i == 1;
                }
                break;
            case STRING:
                switch (((String) u).trim().toLowerCase(Locale.ROOT)) {
                    case "true", "on", "yes":
                        return true;
                    case "false", "off", "no":
                        return false;
                    default:
                        break;
                }
                break;
            default:
                break;
        }
        throw error(key, "expected on/off, true/false, yes/no or 1/0, found " + describe(v));
    }

    /** A duration with a unit ("30s", "5 minutes"): a bare number would silently mean milliseconds. */
    Duration duration(String key, Duration min, Duration max, Duration defaultValue) throws ConfigError {
        if (!has(key)) {
            return defaultValue;
        }
        String expected = "a duration with a unit, like 30s, 500ms or 5m, in " + text(min) + ".." + text(max);
        ConfigValue v = object.get(key);
        if (v.valueType() != ConfigValueType.STRING) {
            throw error(key, "expected " + expected + ", found " + describe(v));
        }
        Duration d;
        try {
            d = object.toConfig().getDuration(ConfigUtil.joinPath(key));
        } catch (ConfigException e) {
            throw error(key, "'" + v.unwrapped() + "' is not a duration (expected " + expected + ")");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw error(key, text(d) + " is out of range (expected " + expected + ")");
        }
        return d;
    }

    /** A size: a number of bytes or HOCON's size text ("4 MiB", "512k"). */
    long bytes(String key, long min, long max, long defaultValue) throws ConfigError {
        if (!has(key)) {
            return defaultValue;
        }
        String expected = "a size in bytes like 65536 or 4 MiB, " + min + ".." + max + " bytes";
        ConfigValue v = object.get(key);
        if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER) {
            throw error(key, "expected " + expected + ", found " + describe(v));
        }
        long b;
        try {
            b = object.toConfig().getBytes(ConfigUtil.joinPath(key));
        } catch (ConfigException e) {
            throw error(key, "'" + v.unwrapped() + "' is not a size (expected " + expected + ")");
        }
        if (b < min || b > max) {
            throw error(key, b + " bytes is out of range (expected " + expected + ")");
        }
        return b;
    }

    // ---------------------------------------------------------------- structure

    /** A nested section, or an empty one (every default) when the key is absent. */
    Section section(String key, String... keys) throws ConfigError {
        if (!has(key)) {
            return new Section(sourceName, child(key), emptyObjectAt(), keys);
        }
        ConfigValue v = object.get(key);
        if (v.valueType() != ConfigValueType.OBJECT) {
            throw error(key, "expected an object { ... }, found " + describe(v));
        }
        return new Section(sourceName, child(key), (ConfigObject) v, keys);
    }

    /** The elements of a list of objects, each checked against {@code keys}; empty when absent. */
    List<Section> sections(String key, String... keys) throws ConfigError {
        List<Section> out = new ArrayList<>();
        List<ConfigValue> list = list(key);
        for (int i = 0; i < list.size(); i++) {
            ConfigValue e = list.get(i);
            String at = child(key) + "[" + i + "]";
            if (e.valueType() != ConfigValueType.OBJECT) {
                throw errorAt(e, at, "expected an object { ... }, found " + describe(e));
            }
            out.add(new Section(sourceName, at, (ConfigObject) e, keys));
        }
        return out;
    }

    /** The elements of a list of strings; empty when absent. */
    List<String> strings(String key, String expected) throws ConfigError {
        List<String> out = new ArrayList<>();
        List<ConfigValue> list = list(key);
        for (int i = 0; i < list.size(); i++) {
            ConfigValue e = list.get(i);
            if (e.valueType() != ConfigValueType.STRING) {
                throw errorAt(e, child(key) + "[" + i + "]", "expected " + expected + ", found " + describe(e));
            }
            out.add(((String) e.unwrapped()).trim());
        }
        return out;
    }

    /** The error for element {@code index} of the list at {@code key}. */
    ConfigError elementError(String key, int index, String problem) {
        ConfigValue v = object.get(key);
        ConfigValue e = v instanceof ConfigList l && index < l.size() ? l.get(index) : v;
        return errorAt(e, child(key) + "[" + index + "]", problem);
    }

    private List<ConfigValue> list(String key) throws ConfigError {
        if (!has(key)) {
            return List.of();
        }
        ConfigValue v = object.get(key);
        if (v.valueType() != ConfigValueType.LIST) {
            throw error(key, "expected a list [ ... ], found " + describe(v));
        }
        return (ConfigList) v;
    }

    ConfigValue value(String key) {
        return object.get(key);
    }

    String sourceName() {
        return sourceName;
    }

    private ConfigObject emptyObjectAt() {
        return ConfigFactory.empty(object.origin().description()).root();
    }

    static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NUMBER -> "the number " + v.unwrapped();
            case BOOLEAN -> "the boolean " + v.unwrapped();
            case NULL -> "null";
            case STRING -> "the string \"" + v.unwrapped() + "\"";
        };
    }

    private static String text(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** The allowed key nearest to a misspelt one, at most two edits away ("_" and "-" count as equal). */
    static String closest(String key, List<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(key.toLowerCase(Locale.ROOT).replace('_', '-'), a.replace('_', '-'));
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
