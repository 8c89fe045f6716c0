package org.backupscheduler.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * {@code repository:} in the config: a plain string is a local folder (as before round 2); a
 * section names a URL and the settings of its driver (docs/storage.md):
 * <pre>
 * repository:
 *   url: s3://BUCKET/PREFIX          # | sftp://USER@HOST:PORT/PATH | /local/path
 *   s3: {endpoint: ..., region: ..., path-style: true, access-key-file: ..., secret-key-file: ...}
 *   sftp: {identity-file: ..., known-hosts: ...}
 *   chunk-size: 64MiB
 *   upload-parallel: 4
 *   scratch: /var/tmp
 * </pre>
 * As an entry of {@code repositories:} (several copies of each backup) it also has a
 * {@code name} and its own {@code retention}; see {@link BackupConfig#repositories()}.
 */
public record RepositoryConfig(String name, String url, S3 s3, Sftp sftp, String chunkSize, Integer uploadParallel,
                               Path scratch, RetentionConfig retention) {
    public static final String DEFAULT_CHUNK_SIZE = "64MiB";
    public static final int DEFAULT_UPLOAD_PARALLEL = 4;
    /** S3's smallest multipart part; a smaller chunk would be one more request for nothing. */
    static final long MIN_CHUNK_SIZE = 1L << 20;

    @JsonCreator
    public RepositoryConfig {
        chunkSize = chunkSize != null ? chunkSize : DEFAULT_CHUNK_SIZE;
        uploadParallel = uploadParallel != null ? uploadParallel : DEFAULT_UPLOAD_PARALLEL;
        scratch = scratch != null ? scratch : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** {@code repository: /path} as a plain string: a local folder. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static RepositoryConfig of(String path) {
        return new RepositoryConfig(null, path, null, null, null, null, null, null);
    }

    /** {@code repository.s3}: where the store answers and the files holding our keys (each 0600). */
    public record S3(URI endpoint, String region, Boolean pathStyle, Path accessKeyFile, Path secretKeyFile) {
        public S3 {
            region = region != null ? region : "us-east-1";
            pathStyle = pathStyle != null ? pathStyle : Boolean.TRUE;
        }
    }

    /** {@code repository.sftp}: our key (0600) and the host keys we accept. */
    public record Sftp(Path identityFile, Path knownHosts) {
    }

    /** Where the repository is, parsed from {@link #url}. */
    public sealed interface Location permits Local, S3Bucket, SftpFolder {
    }

    public record Local(Path path) implements Location {
    }

    /** {@code prefix} is empty or has no leading or trailing '/'. */
    public record S3Bucket(String bucket, String prefix) implements Location {
    }

    public record SftpFolder(String user, String host, int port, String path) implements Location {
    }

    /** The parsed {@link #url}; throws ConfigException for a URL that {@link #check} refuses. */
    public Location location() {
        return parse(null);
    }

    /** The local folder, or null for a remote repository. */
    public Path localPath() {
        return location() instanceof Local l ? l.path() : null;
    }

    public boolean isLocal() {
        return location() instanceof Local;
    }

    /** This copy's retention: its own, else {@code fallback} (the top-level {@code retention:}). */
    public RetentionConfig retentionOr(RetentionConfig fallback) {
        return retention != null ? retention : fallback;
    }

    public long chunkSizeBytes() {
        return ByteSizes.parse(chunkSize);
    }

    /** Every key of this section, checked before anything runs (exit 2 naming the key). */
    void check(Path file) {
        Location where = parse(file);
        long chunk;
        try {
            chunk = chunkSizeBytes();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("bad value '" + chunkSize + "' for repository.chunk-size in " + file + ": "
                    + e.getMessage(), "write a size such as 64MiB");
        }
        if (chunk < MIN_CHUNK_SIZE || chunk > (1L << 30)) {
            throw new ConfigException("bad value '" + chunkSize + "' for repository.chunk-size in " + file
                    + ": must be from 1MiB to 1GiB", "the default 64MiB suits most stores");
        }
        if (uploadParallel < 1 || uploadParallel > 64) {
            throw new ConfigException("bad value '" + uploadParallel + "' for repository.upload-parallel in " + file
                    + ": must be from 1 to 64", "the default is 4");
        }
        if (where instanceof S3Bucket) {
            if (s3 == null || s3.endpoint() == null) {
                throw new ConfigException("repository.url is " + url + " but repository.s3.endpoint is missing in "
                        + file, "add repository.s3: {endpoint: https://..., access-key-file: ..., secret-key-file: ...}");
            }
            require(s3.accessKeyFile(), "repository.s3.access-key-file", file);
            require(s3.secretKeyFile(), "repository.s3.secret-key-file", file);
        } else if (where instanceof SftpFolder) {
            if (sftp == null) {
                throw new ConfigException("repository.url is " + url + " but repository.sftp is missing in " + file,
                        "add repository.sftp: {identity-file: ..., known-hosts: ...}");
            }
            require(sftp.identityFile(), "repository.sftp.identity-file", file);
            require(sftp.knownHosts(), "repository.sftp.known-hosts", file);
        }
    }

    private static void require(Object value, String key, Path file) {
        if (value == null) {
            throw new ConfigException("missing required key '" + key + "' in " + file,
                    "add " + key + " (docs/storage.md)");
        }
    }

    private Location parse(Path file) {
        String in = file == null ? "" : " in " + file;
        if (url == null || url.isBlank()) {
            throw new ConfigException("missing required key 'repository.url'" + in,
                    "set repository: /local/path, or repository.url: s3://BUCKET/PREFIX or sftp://USER@HOST/PATH");
        }
        if (url.startsWith("/")) {
            return new Local(Path.of(url).normalize());
        }
        String hint = "write s3://BUCKET/PREFIX, sftp://USER@HOST:PORT/PATH or an absolute path such as "
                + "/var/backups/mysql";
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException("bad value '" + url + "' for repository.url" + in + ": " + e.getReason(), hint);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        String path = u.getPath() == null ? "" : u.getPath();
        switch (scheme) {
            case "s3" -> {
                if (u.getHost() == null) {
                    throw new ConfigException("bad value '" + url + "' for repository.url" + in
                            + ": no bucket name after s3://", hint);
                }
                return new S3Bucket(u.getHost(), strip(path));
            }
            case "sftp" -> {
                if (u.getHost() == null || u.getUserInfo() == null || path.isEmpty() || path.equals("/")) {
                    throw new ConfigException("bad value '" + url + "' for repository.url" + in
                            + ": an sftp URL needs a user, a host and a folder", hint);
                }
                return new SftpFolder(u.getUserInfo(), u.getHost(), u.getPort() < 0 ? 22 : u.getPort(),
                        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
            }
            default -> throw new ConfigException("bad value '" + url + "' for repository.url" + in
                    + ": not an absolute path nor an s3:// or sftp:// URL", hint);
        }
    }

    private static String strip(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
