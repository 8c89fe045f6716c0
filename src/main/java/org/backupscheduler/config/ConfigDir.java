package org.backupscheduler.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code --config-dir DIR}: one file per instance ({@code *.yml}, {@code *.yaml}; the shape of
 * backup.yml) and an optional {@code defaults.yml} merged under each. A file that is wrong stops
 * its own instance, not the others: it becomes a {@link Fleet.Refusal} with the error naming the
 * file. Only what concerns every instance stops the whole fleet (exit 2): a missing folder, a
 * broken defaults.yml, no instance file at all.
 */
public final class ConfigDir {
    public static final String DEFAULTS = "defaults.yml";

    private ConfigDir() {
    }

    public static Fleet load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("config folder " + dir + " not found",
                    "pass --config-dir with a folder holding one <instance>.yml per instance");
        }
        JsonNode defaults = defaults(dir.resolve(DEFAULTS));
        List<Path> files = instanceFiles(dir);
        if (files.isEmpty()) {
            throw new ConfigException("config folder " + dir + " holds no instance file (*.yml besides " + DEFAULTS
                    + ")", "add one file per instance, each with its own instance: name (docs/fleet.md)");
        }
        Map<String, Path> fileOf = new LinkedHashMap<>();
        Map<String, BackupConfig> loaded = new LinkedHashMap<>();
        List<Fleet.Refusal> refused = new ArrayList<>();
        for (Path file : files) {
            try {
                BackupConfig c = ConfigLoader.load(file, System.getenv(), defaults);
                Path other = fileOf.putIfAbsent(c.instance(), file);
                if (other != null) {
                    // Both files go: which of the two is meant is for the user to say, not the order of names.
                    String message = "instance '" + c.instance() + "' is named by two files, " + other + " and " + file;
                    String hint = "give each file its own instance: name";
                    loaded.remove(c.instance());
                    refused.removeIf(r -> r.file().equals(other));
                    refused.add(new Fleet.Refusal(other, c.instance(), new ConfigException(message, hint)));
                    refused.add(new Fleet.Refusal(file, c.instance(), new ConfigException(message, hint)));
                } else {
                    loaded.put(c.instance(), c);
                }
            } catch (ConfigException e) {
                refused.add(new Fleet.Refusal(file, instanceNamedIn(file), e));
            }
        }
        Map<String, Path> fileOfLoaded = new LinkedHashMap<>();
        loaded.keySet().forEach(name -> fileOfLoaded.put(name, fileOf.get(name)));
        return new Fleet(dir, loaded, fileOfLoaded, refused);
    }

    /** The instance files: every *.yml and *.yaml but defaults.yml and hidden files, by name. */
    private static List<Path> instanceFiles(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> {
                String name = p.getFileName().toString();
                return (name.endsWith(".yml") || name.endsWith(".yaml")) && !name.startsWith(".")
                        && !name.equals(DEFAULTS) && Files.isRegularFile(p);
            }).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("config folder " + dir + " cannot be read: " + e.getMessage(),
                    "make it readable by this user");
        }
    }

    /** defaults.yml as a tree (empty when absent): checked like a config file, and never naming an instance. */
    private static JsonNode defaults(Path file) {
        if (!Files.exists(file)) {
            return ConfigLoader.mapper().createObjectNode();
        }
        ConfigTrust.checkFile(file);
        JsonNode tree;
        try {
            tree = ConfigLoader.mapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getOriginalMessage()
                    .lines().findFirst().orElse(""), "fix the YAML syntax there");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(),
                    "make it readable by this user");
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return ConfigLoader.mapper().createObjectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException("config file " + file + " must hold keys (a section), not a "
                    + tree.getNodeType().name().toLowerCase(), "write defaults.yml like a backup.yml without instance:");
        }
        if (tree.has("instance")) {
            throw new ConfigException("instance is set in " + file + ", which is merged under every instance file",
                    "remove instance: from " + DEFAULTS + "; each instance file names its own");
        }
        return tree;
    }

    /** The instance file over the defaults, as the BackupConfig it makes; null for an empty file. */
    static BackupConfig merged(Path file, JsonNode defaults) throws IOException {
        JsonNode own = ConfigLoader.mapper().readTree(file.toFile());
        if (own == null || own.isMissingNode() || own.isNull()) {
            return null;
        }
        JsonNode tree = own.isObject() ? merge(defaults.deepCopy(), (ObjectNode) own) : own;
        return ConfigLoader.mapper().treeToValue(tree, BackupConfig.class);
    }

    /**
     * Deep merge of sections: a key of {@code over} replaces the same key of {@code under}, except
     * that two sections merge key by key. Lists are values: an instance's list replaces the default's.
     */
    static JsonNode merge(ObjectNode under, ObjectNode over) {
        over.properties().forEach(e -> {
            JsonNode below = under.get(e.getKey());
            if (below instanceof ObjectNode b && e.getValue() instanceof ObjectNode o) {
                merge(b, o);
            } else {
                under.set(e.getKey(), e.getValue());
            }
        });
        return under;
    }

    /** The instance: a broken file names, if it can be read that far; null when it cannot. */
    private static String instanceNamedIn(Path file) {
        try {
            JsonNode name = ConfigLoader.mapper().readTree(file.toFile()).get("instance");
            return name != null && name.isTextual() ? name.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
