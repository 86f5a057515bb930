package dev.heimdall.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * The gateway's log as tests see it: the test profile writes every line, debug included, to
 * {@code target/heimdall-test.log} (application.properties, {@code %test.quarkus.log.file.path}). A test takes
 * a {@link #mark()} before acting and then reads or waits for what was logged after it.
 */
public final class GatewayLog {

    public static final Path FILE = Path.of("target/heimdall-test.log");

    private GatewayLog() {
    }

    /** Where the log ends now. */
    public static long mark() {
        try {
            return Files.exists(FILE) ? Files.size(FILE) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything logged after {@code mark} (all of the file if it was rotated since). */
    public static String since(long mark) {
        try (RandomAccessFile f = new RandomAccessFile(FILE.toFile(), "r")) {
            long from = f.length() < mark ? 0 : mark;
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What was logged after {@code mark}, once it satisfies {@code logged}. */
    public static String await(long mark, String what, Predicate<String> logged) {
        return Await.value(what + " in " + FILE, () -> since(mark), logged);
    }
}
