package org.backupscheduler.backup;

/** Told how far long work has come; the CLI draws a bar on a terminal or logs lines elsewhere. */
public interface ProgressListener {
    /** Ignores progress: for callers with nobody watching. */
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void start(String task, long expectedBytes) {
        }

        @Override
        public void update(long doneBytes) {
        }

        @Override
        public void finish() {
        }
    };

    void start(String task, long expectedBytes);

    void update(long doneBytes);

    void finish();
}
