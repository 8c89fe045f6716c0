package org.backupscheduler.bench;


/** Entry point of {@code bench/run}: the benchmark harness, not part of the CLI's commands. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // Exit explicitly: catalog and sandbox threads of the harness must not keep the JVM up.
        System.exit(Benchmark.run(args));
    }
}
