package org.backupscheduler.crypto;

import java.security.Provider;
import java.security.Security;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.operator.PublicKeyDataDecryptorFactory;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;

/**
 * Which JCE provider runs AES-256 over the message body (the bulk of the work; bench/encryption
 * compares them). The OpenPGP format is the same either way; public-key operations (a few per
 * message) always go through Bouncy Castle's provider, which knows every OpenPGP key type.
 */
public enum CipherProvider {
    /** The JDK's SunJCE: AES through the CPU's AES instructions. The default. */
    JDK,
    /** Bouncy Castle's provider: AES in Java. */
    BOUNCY_CASTLE;

    /** Bouncy Castle's provider, one instance for the process, never registered globally. */
    static final Provider BC = new BouncyCastleProvider();

    private Provider content() {
        if (this == BOUNCY_CASTLE) {
            return BC;
        }
        Provider sun = Security.getProvider("SunJCE");
        if (sun == null) {
            throw new IllegalStateException("this JDK has no SunJCE provider; use CipherProvider.BOUNCY_CASTLE");
        }
        return sun;
    }

    JcePGPDataEncryptorBuilder dataEncryptor(int algorithm) {
        return new JcePGPDataEncryptorBuilder(algorithm).setProvider(content());
    }

    PublicKeyDataDecryptorFactory dataDecryptor(PGPPrivateKey key) {
        return new JcePublicKeyDataDecryptorFactoryBuilder().setProvider(BC).setContentProvider(content()).build(key);
    }
}
