package org.backupscheduler.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report as a browser sees it: headless Chromium renders it offline and takes a screenshot. */
class HtmlChromiumTest {
    @TempDir
    Path dir;

    private static Path chromium() {
        for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    private String run(Path browser, String... extra) throws Exception {
        List<String> argv = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1280,2000"));
        argv.addAll(List.of(extra));
        Process p = new ProcessBuilder(argv).redirectError(dir.resolve("chromium.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(dir.resolve("chromium.err")));
        return out;
    }

    @Test
    void rendersWithEverySectionAndAScreenshot() throws Exception {
        Path browser = chromium();
        assumeTrue(browser != null, "chromium is not installed (bin/install-deps test installs it): HTML not rendered");
        Path page = dir.resolve("report.html");
        try (var catalog = ReportBuilderTest.sectionsCatalog(dir)) {
            Files.writeString(page, HtmlReport.render(ReportBuilderTest.fullReport(ReportBuilderTest.knownCatalog(),
                    catalog)));
        }

        Path shot = dir.resolve("shot.png");
        run(browser, "--screenshot=" + shot, page.toUri().toString());
        assertTrue(Files.size(shot) > 10_000, "screenshot too small: " + Files.size(shot));
        byte[] png = Files.readAllBytes(shot);
        assertEquals("PNG", new String(png, 1, 3));

        String dom = run(browser, "--dump-dom", page.toUri().toString());
        for (String id : List.of("verdict", "rpo", "coverage", "charts", "problems", "retention", "lock-actions",
                "restore-drills", "replica-health")) {
            assertTrue(dom.contains("<section id=\"" + id + "\">"), "missing section " + id);
        }
        assertTrue(dom.contains("<svg id=\"size-chart\""), "no size chart");
        assertEquals(3 * 24, dom.split("data-cell=\"").length - 1, "grid cells in the DOM");
        assertTrue(dom.contains("PROBLEMS (exit 3)"));
        // the kills and drills as the browser holds them (text, so the arrow is escaped again)
        assertTrue(dom.contains("<li>2026-01-02 03:00  KILL session 42 (maint, 600s) -&gt; killed; kill-blocker: 2 "
                + "session(s) waiting</li>"), "no lock kill in the DOM");
        assertTrue(dom.contains("<li>" + ReportBuilderTest.DRILL_LINES.get(1) + "</li>"), "no failed drill in the DOM");
    }
}
