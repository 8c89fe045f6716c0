package org.backupscheduler.crypto;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * Reads one OpenPGP message (ours, or one that {@code gpg --encrypt} made, armored or binary)
 * back into its plaintext, as a stream.
 *
 * <p>Integrity: the message's modification detection code covers everything and can only be
 * checked at its end. The plaintext stream therefore reports end-of-stream (-1) only after the
 * check passed; a tampered, truncated or unparsable message throws {@link IntegrityException}
 * instead, at the latest from the read that would have returned -1. Plaintext read before that
 * point is unproven: callers write it only to scratch space and discard it on the exception
 * (verify reports INVALID; restore fails and removes its scratch folder). A caller that stops
 * reading early has not had the check and must not use what it read.
 *
 * <p>Errors: no secret key for the message → {@link NoSecretKeyError} (exit 2, naming the
 * message's key ids and the keyring's keys); a failure of the underlying stream → its own
 * IOException, unchanged (a network error is not tampering).
 */
public final class Decryptor {
    private final Keyring keyring;
    private final CipherProvider provider;

    public Decryptor(Keyring keyring) {
        this(keyring, CipherProvider.JDK);
    }

    public Decryptor(Keyring keyring, CipherProvider provider) {
        this.keyring = keyring;
        this.provider = provider;
    }

    /** The plaintext of the message {@code in} holds; closing it closes {@code in}. */
    public InputStream decrypt(InputStream in) throws IOException {
        Source source = new Source(in);
        try {
            return open(source);
        } catch (NoSecretKeyError e) {
            source.closeAfter(e);
            throw e;
        } catch (IOException | RuntimeException e) {
            IOException explained = source.explain(e, "not a readable OpenPGP message: ");
            source.closeAfter(explained);
            throw explained;
        }
    }

    private InputStream open(Source source) throws IOException {
        BcPGPObjectFactory outer = new BcPGPObjectFactory(PGPUtil.getDecoderStream(new BufferedInputStream(source)));
        Object first = outer.nextObject();
        while (first instanceof PGPMarker) {
            first = outer.nextObject();
        }
        if (!(first instanceof PGPEncryptedDataList list)) {
            throw new IntegrityException("not an OpenPGP encrypted message (it starts with "
                    + (first == null ? "nothing" : first.getClass().getSimpleName()) + ")");
        }
        PGPPublicKeyEncryptedData data = null;
        Keyring.Entry key = null;
        List<String> messageKeyIds = new ArrayList<>();
        for (PGPEncryptedData candidate : list) {
            if (!(candidate instanceof PGPPublicKeyEncryptedData pk)) {
                continue; // a passphrase-encrypted session key (gpg --symmetric): not ours to read
            }
            messageKeyIds.add(pk.getKeyID() == 0 ? "(hidden)" : KeyNames.keyId(pk.getKeyID()));
            Keyring.Entry match = keyring.find(pk.getKeyID());
            if (match != null && key == null) {
                data = pk;
                key = match;
            }
        }
        if (key == null) {
            InputStream hidden = tryHidden(list, source);
            if (hidden != null) {
                return hidden;
            }
            throw new NoSecretKeyError(messageKeyIds, keyring.describe());
        }
        return plaintext(data, key, source);
    }

    /** A recipient hidden with {@code gpg --throw-keyids} (key id 0): every key is tried. */
    private InputStream tryHidden(PGPEncryptedDataList list, Source source) throws IOException {
        for (PGPEncryptedData candidate : list) {
            if (candidate instanceof PGPPublicKeyEncryptedData pk && pk.getKeyID() == 0) {
                for (Keyring.Entry key : keyring.entries()) {
                    try {
                        pk.getSessionKey(provider.dataDecryptor(key.key()));
                    } catch (PGPException wrongKey) {
                        continue;
                    }
                    return plaintext(pk, key, source);
                }
            }
        }
        return null;
    }

    private InputStream plaintext(PGPPublicKeyEncryptedData data, Keyring.Entry key, Source source)
            throws IOException {
        if (!data.isIntegrityProtected()) {
            throw new IntegrityException("the message is not integrity protected (no MDC): its content "
                    + "could be altered without notice, so it is refused");
        }
        InputStream clear;
        try {
            clear = data.getDataStream(provider.dataDecryptor(key.key()));
        } catch (PGPException e) {
            // The key id matched and the key is unlocked: the session key packet itself is damaged.
            throw new IntegrityException("the session key for key " + key.keyId() + " (" + key.fingerprint()
                    + ") cannot be decrypted: the message is damaged (" + e.getMessage() + ")", e);
        }
        BcPGPObjectFactory inner = new BcPGPObjectFactory(clear);
        Object o = inner.nextObject();
        if (o instanceof PGPCompressedData compressed) { // gpg compresses by default; we never do
            try {
                inner = new BcPGPObjectFactory(compressed.getDataStream());
            } catch (PGPException e) {
                throw new IntegrityException("the compressed packet cannot be read: " + e.getMessage(), e);
            }
            o = inner.nextObject();
        }
        if (o instanceof PGPOnePassSignatureList) { // gpg --sign --encrypt: signatures are not checked here
            o = inner.nextObject();
        }
        if (!(o instanceof PGPLiteralData literal)) {
            throw new IntegrityException("no literal data packet in the message (found "
                    + (o == null ? "nothing" : o.getClass().getSimpleName()) + ")");
        }
        return new Plaintext(literal.getInputStream(), inner, data, source);
    }

    /**
     * The literal packet's bytes; at its end, the rest of the message is read and the MDC
     * checked before -1 is returned.
     */
    private static final class Plaintext extends FilterInputStream {
        private final BcPGPObjectFactory rest;
        private final PGPPublicKeyEncryptedData data;
        private final Source source;
        private boolean verified;

        Plaintext(InputStream literal, BcPGPObjectFactory rest, PGPPublicKeyEncryptedData data, Source source) {
            super(literal);
            this.rest = rest;
            this.data = data;
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (verified) {
                return -1;
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                throw source.explain(e, "the message is damaged or truncated: ");
            }
            if (n < 0) {
                verify();
                return -1;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            long skipped = 0;
            while (skipped < n) { // through read(): the check still runs at the end
                int r = read(buffer, 0, (int) Math.min(n - skipped, buffer.length));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public void close() throws IOException {
            source.close();
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void verify() throws IOException {
            try {
                while (rest.nextObject() != null) {
                    // trailing signature packets of a signed message: read past them
                }
                if (!data.verify()) {
                    throw new IntegrityException("integrity check failed: the modification detection code does "
                            + "not match; the message was altered after encryption");
                }
            } catch (PGPException | IOException | RuntimeException e) {
                throw source.explain(e, "integrity check failed: ");
            }
            verified = true;
        }
    }

    /**
     * The caller's stream, remembering whether it failed by itself: its IOException passes on
     * unchanged, while anything Bouncy Castle throws on the bytes becomes an IntegrityException.
     */
    private static final class Source extends FilterInputStream {
        private IOException failure;

        Source(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        /** The source's own failure if it had one, else what {@code e} says about the bytes. */
        IOException explain(Exception e, String what) {
            if (failure != null) {
                return failure;
            }
            if (e instanceof IntegrityException ie) {
                return ie;
            }
            return new IntegrityException(what + e.getMessage(), e);
        }

        void closeAfter(Exception e) {
            try {
                in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
        }
    }
}
