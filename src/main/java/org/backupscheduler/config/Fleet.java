package org.backupscheduler.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The instances one service runs: those loaded, by name, and the files refused with why. From
 * {@code --config-dir} ({@link ConfigDir}), or one {@code --config} file (a fleet of one).
 */
public record Fleet(Path source, Map<String, BackupConfig> instances, Map<String, Path> files,
                    List<Refusal> refused) {

    /** An instance file that stops its own instance (exit 2), and the instance it names if that could be read. */
    public record Refusal(Path file, String instance, ConfigException error) {
    }

    public Fleet {
        instances = Map.copyOf(instances);
        files = Map.copyOf(files);
        refused = List.copyOf(refused);
    }

    public static Fleet of(Path file, BackupConfig config) {
        return new Fleet(file, Map.of(config.instance(), config), Map.of(config.instance(), file), List.of());
    }

    /** Every instance name, loaded or refused, sorted. */
    public List<String> names() {
        TreeSet<String> names = new TreeSet<>(instances.keySet());
        refused.stream().map(Refusal::instance).filter(Objects::nonNull).forEach(names::add);
        return List.copyOf(names);
    }

    /** The loaded instances, sorted by name. */
    public List<BackupConfig> loaded() {
        return instances.values().stream().sorted(java.util.Comparator.comparing(BackupConfig::instance)).toList();
    }

    /**
     * The one instance a command works on: {@code name}, or the only one there is. Exit 2 when
     * it is not there, when its file was refused (its own error), or when several are loaded and
     * none is named.
     */
    public BackupConfig pick(String name) {
        if (name == null) {
            if (instances.size() == 1 && refused.isEmpty()) {
                return instances.values().iterator().next();
            }
            if (instances.isEmpty() && refused.size() == 1) {
                throw refused.get(0).error();
            }
            throw new ConfigException(source + " holds " + described() + ": this command works on one",
                    "pass --instance NAME, one of: " + String.join(", ", names()));
        }
        BackupConfig c = instances.get(name);
        if (c != null) {
            return c;
        }
        for (Refusal r : refused) {
            if (name.equals(r.instance())) {
                throw r.error();
            }
        }
        throw new ConfigException("no instance '" + name + "' in " + source + " (it holds " + described() + ")",
                "pass --instance with one of: " + String.join(", ", names()));
    }

    /** The instances a fleet-wide command covers: all loaded, or only {@code name} (exit 2 as {@link #pick}). */
    public List<BackupConfig> select(String name) {
        return name == null ? loaded() : List.of(pick(name));
    }

    private String described() {
        List<String> parts = new ArrayList<>();
        parts.add(instances.size() + (instances.size() == 1 ? " instance" : " instances"));
        if (!refused.isEmpty()) {
            parts.add(refused.size() + " refused file" + (refused.size() == 1 ? "" : "s"));
        }
        return String.join(" and ", parts);
    }
}
