package org.backupscheduler.schedule;

/**
 * What a scheduled run passes through before its engine starts, and leaves when the engine is
 * done: the per-host and per-node limits ({@link EngineSlots}). A run by hand ({@code backup run})
 * passes {@link #NONE}.
 */
interface EngineGate {
    EngineGate NONE = instance -> () -> { };

    /** Waits until the engine of {@code instance} may start; the pass is closed when it has ended. */
    Pass enter(String instance) throws InterruptedException;

    /** A slot held: closing it frees the slot. */
    interface Pass extends AutoCloseable {
        @Override
        void close();
    }
}
