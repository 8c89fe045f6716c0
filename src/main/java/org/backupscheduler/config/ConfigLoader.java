package org.backupscheduler.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads and validates {@code backup.yml} before anything runs. Every problem becomes one
 * {@link ConfigException} naming the key and the value, with a hint (exit 2).
 */
public final class ConfigLoader {
    public static final String ENV_VAR = "BACKUP_CONFIG";
    public static final Path DEFAULT_PATH = Path.of("config/backup.yml");
    private static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private ConfigLoader() {
    }

    /** The file named by --config, else $BACKUP_CONFIG, else config/backup.yml. */
    public static Path locate(Path option, Map<String, String> env) {
        if (option != null) {
            return option;
        }
        String fromEnv = env.get(ENV_VAR);
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : DEFAULT_PATH;
    }

    /** What every command reads: {@link #parse} and the passwords the config names, from {@code env}. */
    public static BackupConfig load(Path file, Map<String, String> env) {
        return load(file, env, null);
    }

    /** {@link #load(Path, Map)} with this process's environment. */
    public static BackupConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * {@link #load(Path, Map)} with {@code defaults} (a {@code --config-dir}'s defaults.yml, see
     * {@link ConfigDir}) merged under the file's own keys; null for none.
     */
    static BackupConfig load(Path file, Map<String, String> env, JsonNode defaults) {
        BackupConfig config = parse(file, defaults);
        ConfigChecks.passwords(config, new Secrets(env));
        return config;
    }

    /**
     * The file alone: every key and value, the schedules, the TLS files; not the passwords it
     * names (a config written by {@code migrate hotcopy} before its password file exists).
     */
    public static BackupConfig parse(Path file) {
        return parse(file, null);
    }

    private static BackupConfig parse(Path file, JsonNode defaults) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " not found",
                    "pass --config FILE, set " + ENV_VAR + ", or run 'backup init' to write a starter config");
        }
        ConfigTrust.checkFile(file);
        BackupConfig config;
        try {
            config = defaults == null ? mapper().readValue(file.toFile(), BackupConfig.class)
                    : ConfigDir.merged(file, defaults);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof ConfigValueException bad) {
                throw bad.in(file);
            }
            throw new ConfigException("bad value for " + keyOf(e) + " in " + file + ": " + e.getOriginalMessage(),
                    "fix " + keyOf(e) + " (docs/configuration.md)");
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException("unknown key '" + keyOf(e) + "' in " + file,
                    "check the spelling; keys allowed here: " + known + " (docs/configuration.md)");
        } catch (InvalidFormatException e) {
            String expected = e.getTargetType() == Duration.class || e.getTargetType().isEnum()
                    ? e.getOriginalMessage() : "expected a " + e.getTargetType().getSimpleName().toLowerCase();
            throw new ConfigException("bad value '" + e.getValue() + "' for " + keyOf(e) + " in " + file + ": "
                    + expected, "fix " + keyOf(e) + " (docs/configuration.md)");
        } catch (MismatchedInputException e) {
            throw new ConfigException("bad value for " + keyOf(e) + " in " + file + ": expected "
                    + describe(e.getTargetType()), "fix " + keyOf(e) + " (docs/configuration.md)");
        } catch (JsonParseException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + yamlProblem(e),
                    "fix the YAML syntax there");
        } catch (JsonMappingException e) {
            throw new ConfigException("bad value for " + keyOf(e) + " in " + file + ": " + e.getOriginalMessage(),
                    "fix " + keyOf(e) + " (docs/configuration.md)");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(),
                    "make it readable by this user");
        }
        if (config == null) {
            throw new ConfigException("config file " + file + " is empty", "run 'backup init' for a starter config");
        }
        validate(config, file);
        ConfigChecks.values(config, file);
        ConfigTrust.checkEngineArgs(config.engine().extraArgs(), file);
        return config;
    }

    private static void validate(BackupConfig c, Path file) {
        require(c.instance(), "instance", file);
        if (!INSTANCE_NAME.matcher(c.instance()).matches()) {
            throw new ConfigException("bad value '" + c.instance() + "' for instance in " + file
                    + ": it names a folder, so letters, digits, '.', '_' and '-' only", "rename the instance");
        }
        repositories(c, file);
        SourceConfig s = c.source();
        require(s, "source", file);
        require(s.user(), "source.user", file);
        if (s.host() == null && s.socket() == null) {
            throw new ConfigException("source.host and source.socket are both missing in " + file,
                    "set source.host (and port) or source.socket");
        }
        if (s.ssh() != null) {
            SshConfig ssh = s.ssh();
            require(ssh.host(), "source.ssh.host", file);
            require(ssh.user(), "source.ssh.user", file);
            require(ssh.identityFile(), "source.ssh.identity-file", file);
            require(ssh.knownHosts(), "source.ssh.known-hosts", file);
            if (s.host() == null) {
                throw new ConfigException("source.ssh is set but source.host is missing in " + file
                        + ": with the engine on the database host, this node reaches the server over the network",
                        "set source.host and port (the engine on that host uses them too)");
            }
        }
        positive(c.engine().parallel(), "engine.parallel", file);
        positive(c.limits().perHost(), "limits.per-host", file);
        positive(c.limits().total(), "limits.total", file);
        if (c.retention().hourly() < 0 || c.retention().daily() < 0 || c.retention().weekly() < 0
                || c.retention().minVerified() < 0) {
            throw new ConfigException("retention counts must not be negative in " + file,
                    "set retention.hourly, daily, weekly and min-verified to 0 or more");
        }
        positive(c.locks().maxKills(), "locks.max-kills", file);
        regex(c.locks().matchInfo(), "locks.match-info", file);
        for (String section : new String[] {"match", "ignore"}) {
            LocksConfig.SessionFilter f = section.equals("match") ? c.locks().match() : c.locks().ignore();
            regex(f.user(), "locks." + section + ".user", file);
            regex(f.host(), "locks." + section + ".host", file);
            regex(f.db(), "locks." + section + ".db", file);
            regex(f.command(), "locks." + section + ".command", file);
            regex(f.state(), "locks." + section + ".state", file);
            regex(f.info(), "locks." + section + ".info", file);
        }
        c.replicas().forEach((name, r) -> {
            if (r.host() == null && r.socket() == null) {
                throw new ConfigException("replicas." + name + ".host is missing in " + file,
                        "set replicas." + name + ".host and port");
            }
            require(r.user(), "replicas." + name + ".user", file);
            if (r.ssh() != null) {
                String key = "replicas." + name + ".ssh";
                require(r.ssh().host(), key + ".host", file);
                require(r.ssh().user(), key + ".user", file);
                require(r.ssh().identityFile(), key + ".identity-file", file);
                require(r.ssh().knownHosts(), key + ".known-hosts", file);
            }
        });
        tls(c, file);
        c.encryption().check(file);
        if (c.binlogs().maxDelay().toSeconds() < 1 || c.binlogs().interval().toSeconds() < 1) {
            throw new ConfigException("binlogs.max-delay and binlogs.interval must be 1s or more in " + file,
                    "set them to durations such as 30s and 1m");
        }
    }

    /**
     * {@code repository:} or {@code repositories:} (never both): each a URL and its driver's keys;
     * entries of {@code repositories:} each with a unique {@code name}, {@code repository:} with neither
     * name nor retention of its own (those belong to copies).
     */
    private static void repositories(BackupConfig c, Path file) {
        if (c.bothRepositoryKeys()) {
            throw new ConfigException("both repository and repositories are set in " + file,
                    "keep one: repository: for one copy of each backup, or repositories: [...] for several "
                    + "(the first is where backups are written; docs/storage.md)");
        }
        require(c.repository(), "repository", file);
        if (c.repositories().isEmpty()) {
            if (c.repository().name() != null || c.repository().retention() != null) {
                throw new ConfigException("repository." + (c.repository().name() != null ? "name" : "retention")
                        + " is set in " + file + " but only entries of repositories: have a name and a retention",
                        "remove it (retention: at the top level applies), or write repositories: [...]");
            }
            c.repository().check(file); // a plain string must be an absolute path; a section, a URL and its driver's keys
            return;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < c.repositories().size(); i++) {
            RepositoryConfig r = c.repositories().get(i);
            if (r.name() == null || !INSTANCE_NAME.matcher(r.name()).matches()) {
                throw new ConfigException((r.name() == null ? "missing repositories[" + i + "].name"
                        : "bad value '" + r.name() + "' for repositories[" + i + "].name") + " in " + file,
                        "name each repository (letters, digits, '.', '_', '-'), such as local and remote");
            }
            if (!names.add(r.name())) {
                throw new ConfigException("two repositories are named '" + r.name() + "' in " + file,
                        "give each entry of repositories: its own name");
            }
            r.check(file);
            RetentionConfig k = r.retentionOr(c.retention());
            if (k.hourly() < 0 || k.daily() < 0 || k.weekly() < 0 || k.minVerified() < 0) {
                throw new ConfigException("retention counts must not be negative in repository " + r.name()
                        + " in " + file, "set its retention.hourly, daily, weekly and min-verified to 0 or more");
            }
        }
        java.util.Set<String> urls = new java.util.HashSet<>();
        for (RepositoryConfig r : c.repositories()) {
            if (!urls.add(r.url())) {
                throw new ConfigException("repositories " + r.name() + " and another have the same url " + r.url()
                        + " in " + file, "a copy must lie somewhere else: give each its own url");
            }
        }
    }

    /** Every tls: section: modes, files and key permissions (TlsFiles), before anything connects. */
    private static void tls(BackupConfig c, Path file) {
        TlsFiles.check("source.tls", c.source().tls(), file);
        c.replicas().forEach((name, r) -> {
            TlsFiles.check("replicas." + name + ".tls", r.tls(), file);
            if (r.primary() != null) {
                TlsFiles.check("replicas." + name + ".primary.tls", r.primary().tls(), file);
            }
        });
        if (!c.catalog().tls().equals(TlsConfig.DEFAULT) && c.catalogUrl().startsWith("jdbc:h2:")) {
            throw new ConfigException("catalog.tls is set but the catalog is an H2 file (" + c.catalogUrl()
                    + "), which has no connection to encrypt, in " + file,
                    "remove catalog.tls, or set catalog.url to a MySQL/MariaDB catalog (jdbc:mysql://HOST:PORT/DB)");
        }
        TlsFiles.check("catalog.tls", c.catalog().tls(), file);
    }

    /**
     * SnakeYAML's messages span several lines and draw a caret; the user gets one line: what is
     * wrong and where ("found character '\t' ... at line 3, column 1").
     */
    static String yamlProblem(JsonParseException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher where = Pattern.compile("line (\\d+), column (\\d+)").matcher(message);
        String position = where.find() ? "line " + where.group(1) + ", column " + where.group(2)
                : "line " + e.getLocation().getLineNr();
        String what = message.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("in '") && !l.startsWith("^") && !l.startsWith("while "))
                .findFirst().orElse("syntax error").replace("\t", "\\t");
        if (what.endsWith(":")) {
            what = what.substring(0, what.length() - 1);
        }
        return what + " at " + position;
    }

    private static void regex(String value, String key, Path file) {
        if (value == null) {
            return;
        }
        try {
            Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new ConfigException("bad value '" + value + "' for " + key + " in " + file
                    + ": not a regular expression (" + e.getDescription() + ")", "fix the regex");
        }
    }

    private static void require(Object value, String key, Path file) {
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new ConfigException("missing required key '" + key + "' in " + file,
                    "add " + key + " (see config/backup.yml and docs/configuration.md)");
        }
    }

    private static void positive(int value, String key, Path file) {
        if (value < 1) {
            throw new ConfigException("bad value '" + value + "' for " + key + " in " + file + ": must be 1 or more",
                    "fix " + key);
        }
    }

    static String keyOf(JsonMappingException e) {
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (key.length() > 0) {
                    key.append('.');
                }
                key.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                key.append('[').append(ref.getIndex()).append(']');
            }
        }
        return key.length() == 0 ? "(top level)" : key.toString();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a section of keys";
        }
        return "a " + type.getSimpleName().toLowerCase();
    }

    static ObjectMapper mapper() {
        SimpleModule module = new SimpleModule("backup-config");
        module.addDeserializer(Duration.class, new DurationDeserializer());
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                                                               BeanDescription desc, JsonDeserializer<?> d) {
                return ConfigEnum.class.isAssignableFrom(type.getRawClass())
                        ? new ConfigEnumDeserializer(type.getRawClass()) : d;
            }
        });
        return new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .registerModule(module);
    }

    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
            }
        }
    }

    private static final class ConfigEnumDeserializer extends JsonDeserializer<Object> {
        private final Class<?> type;

        ConfigEnumDeserializer(Class<?> type) {
            this.type = type;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            for (Object constant : type.getEnumConstants()) {
                if (((ConfigEnum) constant).key().equals(text)) {
                    return constant;
                }
            }
            String allowed = Arrays.stream(type.getEnumConstants()).map(c -> ((ConfigEnum) c).key())
                    .collect(Collectors.joining(", "));
            throw InvalidFormatException.from(p, "expected one of " + allowed, text, type);
        }
    }
}
