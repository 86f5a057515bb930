package dev.heimdall;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The packaged gateway as a process of its own, on a free port and an app dir, ready when returned. */
record PackagedGateway(Process process, URI base, Path appDir) implements AutoCloseable {

    /** With {@code config} as config.json in a new app dir; {@code properties} as {@code name=value}. */
    static PackagedGateway start(String config, String... properties) throws Exception {
        Path appDir = Files.createTempDirectory("heimdall-it");
        Files.writeString(appDir.resolve("config.json"), config);
        return start(appDir, properties);
    }

    static PackagedGateway start(Path appDir, String... properties) throws Exception {
        return start(appDir, java.util.Map.of(), properties);
    }

    /** With {@code env} added to the process's environment (values config.json names as {@code env.NAME}). */
    static PackagedGateway start(Path appDir, java.util.Map<String, String> env, String... properties) throws Exception {
        int port = GracefulDrainIT.freePort();
        List<String> cmd = GracefulDrainIT.command();
        cmd.add(1, "-Dquarkus.http.port=" + port);
        for (String p : properties) {
            cmd.add(1, "-D" + p);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(appDir.resolve("gateway.log").toFile());
        pb.environment().put("HEIMDALL_APP_DIR", appDir.toString());
        pb.environment().putAll(env);
        Process process = pb.start();
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            CrashDuringImportIT.awaitReady(HttpClient.newHttpClient(), base.resolve("/q/health/ready"), appDir);
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return new PackagedGateway(process, base, appDir);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
