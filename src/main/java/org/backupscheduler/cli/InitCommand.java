package org.backupscheduler.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.backupscheduler.config.ConfigTrust;
import org.backupscheduler.UserError;
import org.backupscheduler.backup.RepositoryLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup init}: a starter config (never over an existing one) and an empty catalog. */
@Command(name = "init", mixinStandardHelpOptions = true, description = "Write a starter config and create the catalog.",
        footer = {"%nExamples:", "  bin/backup --config /etc/backup-scheduler/backup.yml init --instance db1 "
            + "--repository /var/backups/mysql"})
final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--instance", defaultValue = "db1", description = "instance name (default: ${DEFAULT-VALUE})")
    String instance;

    @Option(names = "--repository", defaultValue = "/var/backups/mysql",
            description = "where backups go (default: ${DEFAULT-VALUE})")
    Path repository;

    @Override
    public Integer call() throws IOException {
        try (Context ctx = Context.of(spec)) {
            Path file = ctx.configPath();
            if (Files.exists(file)) {
                throw new UserError("config " + file + " already exists; init never overwrites it",
                        "edit it, or pass --config with a new path", UserError.USAGE);
            }
            if (!repository.isAbsolute()) {
                throw new UserError("--repository " + repository + " is not an absolute path",
                        "give the full path, such as /var/backups/mysql", UserError.USAGE);
            }
            String sample;
            try (InputStream in = InitCommand.class.getResourceAsStream("/sample/backup.yml")) {
                sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String text = sample.replace("instance: db1", "instance: " + instance)
                    .replace("repository: /var/backups/mysql", "repository: " + repository);
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            ConfigTrust.write(file, text);
            RepositoryLayout.createPrivateDir(repository);
            ctx.catalog();
            ctx.out().println("wrote " + file + "; catalog ready at " + ctx.config().catalogUrl());
            ctx.out().println("next: set source.user and source.password-file, then 'backup check' and 'backup run'");
            return UserError.OK;
        }
    }
}
