package org.backupscheduler.server;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.net.spi.URLStreamHandlerProvider;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key stores that exist only in this process's memory, under {@code bs-keystore:/<random id>}
 * URLs. Connector/J takes its trust and client stores only as URLs it opens itself; this
 * handler (registered in META-INF/services, found by {@link URL} through the system class
 * loader) serves them from memory, so no key is ever written to disk in another form.
 */
public final class InMemoryKeyStores extends URLStreamHandlerProvider {
    static final String SCHEME = "bs-keystore";
    private static final Map<String, byte[]> STORES = new ConcurrentHashMap<>();

    /** For {@link java.util.ServiceLoader}. */
    public InMemoryKeyStores() {
    }

    /** Keeps {@code store} (a serialized key store) and returns the URL it is read from. */
    static String put(byte[] store) {
        String path = "/" + UUID.randomUUID();
        STORES.put(path, store.clone());
        return SCHEME + ":" + path;
    }

    static void remove(String url) {
        if (url != null) {
            STORES.remove(url.substring(SCHEME.length() + 1));
        }
    }

    @Override
    public URLStreamHandler createURLStreamHandler(String protocol) {
        return SCHEME.equals(protocol) ? new Handler() : null;
    }

    private static final class Handler extends URLStreamHandler {
        @Override
        protected URLConnection openConnection(URL url) throws FileNotFoundException {
            byte[] bytes = STORES.get(url.getPath());
            if (bytes == null) {
                throw new FileNotFoundException("no in-memory key store " + url);
            }
            return new URLConnection(url) {
                @Override
                public void connect() {
                    // nothing to reach: the bytes are here
                }

                @Override
                public InputStream getInputStream() {
                    return new ByteArrayInputStream(bytes);
                }
            };
        }
    }
}
