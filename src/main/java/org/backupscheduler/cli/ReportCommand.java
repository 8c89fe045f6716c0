package org.backupscheduler.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;

import org.backupscheduler.UserError;
import org.backupscheduler.config.BackupConfig;
import org.backupscheduler.config.Fleet;
import org.backupscheduler.report.CatalogReportSource;
import org.backupscheduler.report.HtmlReport;
import org.backupscheduler.report.JsonReport;
import org.backupscheduler.report.Report;
import org.backupscheduler.report.TextReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backup report}: coverage, recovery point and problems of this instance; exit 3 when at risk. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Report backup coverage, the age of the newest VERIFIED backup against the schedule,",
            "failures with reasons and retention state. Exit 3 when the newest verified backup is older",
            "than the schedule allows or a backup of the last 24 hours is INVALID. With --config-dir: every",
            "instance (or --instance), the worst exit; exit 2 when an instance file was refused."},
        footer = {"%nExamples:", "  bin/backup report", "  bin/backup report --days 14",
            "  bin/backup report --format json | jq .rpo", "  bin/backup report --format html --output report.html"})
final class ReportCommand implements Callable<Integer> {
    enum Format { text, json, html }

    @Spec
    CommandSpec spec;

    @Option(names = "--format", defaultValue = "text", description = "text, json or html (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--output", paramLabel = "FILE", description = "write to FILE instead of stdout")
    Path output;

    @Option(names = "--days", defaultValue = "7", description = "days in the coverage grid, 1-366 (default: "
            + "${DEFAULT-VALUE})")
    int days;

    @Override
    public Integer call() {
        if (days < 1 || days > 366) {
            throw new UserError("--days must be between 1 and 366 (got " + days + ")", "e.g. --days 7", UserError.USAGE);
        }
        Fleet fleet = Context.fleet(spec);
        List<BackupConfig> instances = Context.selected(spec, fleet);
        if (instances.size() > 1 && format == Format.html) {
            throw new UserError("the HTML report is one page per instance, and " + fleet.source() + " holds "
                    + instances.size(), "pass --instance NAME (one of " + String.join(", ", fleet.names())
                    + "), or --format text or json for all", UserError.USAGE);
        }
        List<Report> reports = new ArrayList<>();
        try (SharedCatalogs catalogs = new SharedCatalogs()) {
            for (BackupConfig config : instances) {
                try (Context ctx = Context.of(spec, config, catalogs)) {
                    reports.add(CatalogReportSource.report(ctx.catalog(), config, Instant.now(), days));
                }
            }
        }
        String body = render(reports);
        int code = reports.stream().mapToInt(Report::exitCode).max().orElse(0);
        if (output == null) {
            spec.commandLine().getOut().print(body);
            spec.commandLine().getOut().flush();
        } else {
            write(output, body);
            spec.commandLine().getErr().println("report written to " + output.toAbsolutePath() + " (exit " + code + ")");
        }
        return Context.refusals(spec, fleet, code);
    }

    /** One report as before; several (a fleet): the texts one after the other, the JSON objects in an array. */
    private String render(List<Report> reports) {
        if (reports.size() == 1) {
            Report r = reports.get(0);
            return switch (format) {
                case text -> TextReport.render(r);
                case json -> JsonReport.render(r) + "\n";
                case html -> HtmlReport.render(r);
            };
        }
        if (format == Format.json) {
            return "[" + reports.stream().map(JsonReport::render).collect(Collectors.joining(",\n")) + "]\n";
        }
        return reports.stream().map(TextReport::render).collect(Collectors.joining("\n"));
    }

    private static void write(Path file, String body) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, body);
        } catch (IOException e) {
            throw new UserError("cannot write the report to " + file + ": " + e.getMessage(),
                    "choose a writable --output path", UserError.FAILED);
        }
    }
}
