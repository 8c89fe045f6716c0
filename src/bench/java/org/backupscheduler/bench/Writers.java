package org.backupscheduler.bench;

import java.util.concurrent.Callable;

import org.backupscheduler.sandbox.SandboxServer;
import org.backupscheduler.sandbox.Workload;

/**
 * The writers beside a timed step, measured apart ([2.6]): one connection inserting into
 * shop.orders (InnoDB: what a lock-free backup must not stop) and one into shop.audit (MyISAM:
 * locked while any engine copies it, so its stall is that lock, reported as what it is). Each
 * gives its longest round and its rounds per second during the step. The one place the bench
 * modes (the 1 GB table, the scale curve, the stream path) start writers. The MyISAM writer rests
 * {@value #MYISAM_PAUSE_MS} ms between rounds (at most ~{@value #MYISAM_MAX_RATE} a second): its
 * inserts need no fsync, and unpaced it took a whole core of the two, slowing the very copy it
 * measures.
 */
final class Writers {
    static final long MYISAM_PAUSE_MS = 5;
    static final int MYISAM_MAX_RATE = 200;

    private Writers() {
    }

    /**
     * Runs {@code work} with both writers beside it (each warmed up 300 ms first) and adds their
     * figures to {@code s}; returns the seconds {@code work} took, which the caller records.
     */
    static double around(Benchmark.Step s, SandboxServer server, Callable<?> work) throws Exception {
        try (Workload innodb = new Workload(server).startWriter(Workload.Writes.INNODB);
             Workload myisam = new Workload(server).startWriter(Workload.Writes.MYISAM, MYISAM_PAUSE_MS)) {
            Thread.sleep(300);
            long i0 = innodb.written();
            long m0 = myisam.written();
            long t0 = System.nanoTime();
            work.call();
            double secs = (System.nanoTime() - t0) / 1e9;
            s.stalls.add(innodb.longestStallMillis() / 1000.0);
            s.writerRates.add((innodb.written() - i0) / secs);
            s.myisamStalls.add(myisam.longestStallMillis() / 1000.0);
            s.myisamRates.add((myisam.written() - m0) / secs);
            System.out.printf("  %-62s InnoDB writer: stall %.2f s, %.0f rounds/s; MyISAM writer: stall %.2f s, "
                    + "%.0f rounds/s%n", "", last(s.stalls), last(s.writerRates), last(s.myisamStalls),
                    last(s.myisamRates));
            System.out.flush();
            return secs;
        }
    }

    private static double last(java.util.List<Double> v) {
        return v.get(v.size() - 1);
    }
}
