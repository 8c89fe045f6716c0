package org.backupscheduler.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An S3-compatible bucket through the AWS SDK for Java v2: key {@code k} is the object
 * {@code <prefix>/k}. A stream of unknown length goes up as one PUT when it fits in one part,
 * else as a multipart upload aborted on any failure, so a partial object never appears (S3 makes
 * an object visible whole, at the PUT's or the completion's end). Checksums are sent only where
 * the API requires them ({@code WHEN_REQUIRED}): some stores (S3Proxy, older MinIO, Ceph) reject
 * the SDK's newer default headers with NotImplemented. Our own CRC32C per chunk is what verifies.
 */
public final class S3Storage implements Storage {
    /** Parts of a multipart upload; S3 wants at least 5 MiB for every part but the last. */
    static final int PART_SIZE = 16 << 20;

    private final S3Client s3;
    private final Target target;

    /** Where the objects are: {@code endpoint}, {@code region}, bucket and key prefix (may be empty). */
    public record Target(URI endpoint, String region, boolean pathStyle, String bucket, String prefix) {
        public String url() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        }
    }

    public S3Storage(Target target, String accessKey, String secretKey) {
        this.target = target;
        this.s3 = S3Client.builder()
                .endpointOverride(target.endpoint())
                .region(Region.of(target.region()))
                .forcePathStyle(target.pathStyle())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(32)
                        .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofMinutes(5)))
                .build();
    }

    @Override
    public long put(String key, InputStream content) throws IOException {
        String name = name(key);
        byte[] part = content.readNBytes(PART_SIZE);
        if (part.length < PART_SIZE) {
            return put(key, part, part.length);
        }
        String uploadId = call(key, () -> s3.createMultipartUpload(b -> b.bucket(target.bucket()).key(name)).uploadId());
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            byte[] next = part;
            while (next.length > 0) {
                int number = parts.size() + 1;
                byte[] body = next;
                String etag = call(key, () -> s3.uploadPart(b -> b.bucket(target.bucket()).key(name).uploadId(uploadId)
                        .partNumber(number).contentLength((long) body.length), body(body, body.length)).eTag());
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                total += body.length;
                next = content.readNBytes(PART_SIZE);
            }
            call(key, () -> s3.completeMultipartUpload(b -> b.bucket(target.bucket()).key(name).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))));
            return total;
        } catch (IOException | RuntimeException e) {
            abort(name, uploadId, e);
            throw e;
        }
    }

    /** One PUT (S3 takes up to 5 GiB in one): a chunk is one request, not a multipart upload. */
    @Override
    public long put(String key, byte[] content, int length) throws IOException {
        String name = name(key);
        call(key, () -> s3.putObject(b -> b.bucket(target.bucket()).key(name).contentLength((long) length),
                body(content, length)));
        return length;
    }

    /** The bytes as a body the SDK can read again for a retry, without copying them. */
    private static RequestBody body(byte[] content, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content, 0, length), length,
                "application/octet-stream");
    }

    @Override
    public InputStream get(String key, ByteRange range) throws IOException {
        String name = name(key);
        try {
            return call(key, () -> s3.getObject(b -> {
                b.bucket(target.bucket()).key(name);
                if (!range.isAll()) {
                    b.range("bytes=" + range.offset() + "-" + (range.length() == Long.MAX_VALUE ? "" : range.lastInclusive()));
                }
            }));
        } catch (RangeNotSatisfiable e) {
            return new ByteArrayInputStream(new byte[0]); // at or past the end: nothing, as a file would give
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        Keys.checkPrefix(prefix);
        String full = target.prefix().isEmpty() ? prefix : target.prefix() + "/" + prefix;
        int strip = target.prefix().isEmpty() ? 0 : target.prefix().length() + 1;
        return call(prefix, () -> {
            List<StoredObject> found = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(target.bucket()).prefix(full)).contents()) {
                if (!o.key().endsWith("/")) { // a folder marker (S3Proxy's filesystem store lists them): no object
                    found.add(new StoredObject(o.key().substring(strip), o.size(), o.lastModified()));
                }
            }
            found.sort(Comparator.comparing(StoredObject::key));
            return found;
        });
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        String name = name(key);
        try {
            HeadObjectResponse h = call(key, () -> s3.headObject(b -> b.bucket(target.bucket()).key(name)));
            return Optional.of(new StoredObject(key, h.contentLength(), h.lastModified()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String name = name(key);
        call(key, () -> s3.deleteObject(b -> b.bucket(target.bucket()).key(name)));
    }

    /** S3 has no notion of free space. */
    @Override
    public OptionalLong freeSpace() {
        return OptionalLong.empty();
    }

    @Override
    public String describe() {
        return target.url() + " at " + target.endpoint() + " (region " + target.region()
                + (target.pathStyle() ? ", path-style" : "") + ")";
    }

    @Override
    public void close() {
        s3.close();
    }

    private String name(String key) {
        Keys.check(key);
        return target.prefix().isEmpty() ? key : target.prefix() + "/" + key;
    }

    private void abort(String name, String uploadId, Exception cause) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(target.bucket()).key(name).uploadId(uploadId));
        } catch (SdkException e) {
            cause.addSuppressed(e); // the store may be the reason we abort; the upload then expires there
        }
    }

    private interface S3Call<T> {
        T run() throws IOException;
    }

    /** Runs one SDK call, turning the SDK's exceptions into ours: missing key, refused access, unreachable. */
    private <T> T call(String key, S3Call<T> action) throws IOException {
        try {
            return action.run();
        } catch (S3Exception e) {
            throw translate(key, e);
        } catch (SdkClientException e) {
            throw new StorageAccessException(StorageAccessException.Kind.UNREACHABLE, "S3 store " + describe()
                    + " not reachable: " + e.getMessage(), "check repository.s3.endpoint and that the store is up", e);
        }
    }

    private IOException translate(String key, S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        int status = e.statusCode();
        String said = (code != null ? code : "HTTP " + status) + (e.awsErrorDetails() != null
                && e.awsErrorDetails().errorMessage() != null ? " (" + e.awsErrorDetails().errorMessage() + ")" : "");
        if ("NoSuchBucket".equals(code)) {
            return new StorageAccessException(StorageAccessException.Kind.CONFIG, "bucket '" + target.bucket()
                    + "' does not exist at " + target.endpoint(),
                    "create the bucket, or fix the bucket name in repository.url", e);
        }
        if ("InvalidAccessKeyId".equals(code)) {
            return new StorageAccessException(StorageAccessException.Kind.CONFIG, "S3 store " + describe()
                    + " does not know our access key: " + said, "fix the key in repository.s3.access-key-file", e);
        }
        if ("SignatureDoesNotMatch".equals(code)) {
            return new StorageAccessException(StorageAccessException.Kind.CONFIG, "S3 store " + describe()
                    + " refused our signature: " + said,
                    "fix the secret in repository.s3.secret-key-file (it must match the access key's)", e);
        }
        if ("RequestTimeTooSkewed".equals(code)) {
            return new StorageAccessException(StorageAccessException.Kind.CONFIG, "S3 store " + describe()
                    + " refused our request time: " + said, "set this host's clock right (NTP)", e);
        }
        if (status == 403) {
            return new StorageAccessException(StorageAccessException.Kind.CONFIG, "S3 store " + describe()
                    + " denied access to " + key + ": " + said,
                    "grant the key in repository.s3.access-key-file read, write, list and delete on the bucket", e);
        }
        if (status == 416) {
            return new RangeNotSatisfiable();
        }
        if (status == 404) {
            NoSuchFileException missing = new NoSuchFileException(key, null, "no object " + key + " in " + target.url());
            missing.initCause(e);
            return missing;
        }
        return new StorageAccessException(StorageAccessException.Kind.UNREACHABLE, "S3 store " + describe()
                + " failed on " + key + ": " + said, "retry later; if it persists, look at the store's logs", e);
    }

    private static final class RangeNotSatisfiable extends IOException {
    }
}
