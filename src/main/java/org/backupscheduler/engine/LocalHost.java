package org.backupscheduler.engine;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.backupscheduler.server.Endpoint;

/** This host: the engine is a child process of ours. */
final class LocalHost implements EngineHost {

    @Override
    public EngineProcess start(List<String> argv, Path log, Output stdout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(new File("/dev/null"))
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (stdout == Output.LOG) {
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        return new Child(pb.start());
    }

    @Override
    public CommandOutput run(List<String> argv, Duration deadline) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessRunner.endTree(p);
                p.waitFor();
            }
        } catch (InterruptedException e) {
            ProcessRunner.endTree(p);
            Thread.currentThread().interrupt();
            throw new IOException(argv.get(0) + " interrupted", e);
        }
        return new CommandOutput(p.exitValue(), out);
    }

    @Override
    public EngineTool locate(String configured) {
        return EngineLocator.fromEnvironment().locate(configured);
    }

    @Override
    public EngineWorkspace workspace(Endpoint source, Flavor flavor, Path localTemp) throws IOException {
        CredentialsFile credentials = CredentialsFile.write(source, flavor);
        return new EngineWorkspace() {
            @Override
            public Path tempDir() {
                return localTemp;
            }

            @Override
            public String option() {
                return credentials.option();
            }

            @Override
            public Path incrementalBase(Path localEngineFiles) {
                return localEngineFiles;
            }

            @Override
            public void close() throws IOException {
                credentials.close();
            }
        };
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public String describe() {
        return "this host";
    }

    @Override
    public void close() {
        // nothing held
    }

    /** A child process of this JVM. */
    private record Child(Process process) implements EngineProcess {
        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public boolean waitFor(Duration limit) throws InterruptedException {
            return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int exitValue() {
            return process.exitValue();
        }

        @Override
        public void endTree() {
            ProcessRunner.endTree(process);
        }

        @Override
        public void terminate() {
            process.destroy();
        }

        @Override
        public long pid() {
            return process.pid();
        }
    }
}
