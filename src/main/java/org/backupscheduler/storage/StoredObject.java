package org.backupscheduler.storage;

import java.time.Instant;

/** One object as the store lists it: its key, its size, and when the store last wrote it (store's clock). */
public record StoredObject(String key, long size, Instant lastModified) {
}
