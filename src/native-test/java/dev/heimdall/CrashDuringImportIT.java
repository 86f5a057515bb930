package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.ConfigJson;
import dev.heimdall.store.ConfigStore;
import dev.heimdall.store.Database;
import dev.heimdall.store.Dialect;
import dev.heimdall.store.StoredEntity;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

/**
 * Kills the packaged gateway (SIGKILL) at random moments while it imports a changed config.json, then
 * opens config.db as the next start would: it must hold the old configuration or the new one, whole.
 */
class CrashDuringImportIT {

    static String bigVariant(String config) {
        // Many keys make the import write real volume, widening the window a kill can land in.
        StringBuilder keys = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            keys.append(i == 0 ? "" : ", ").append("{\"name\": \"k").append(i).append("\", \"value\": \"v").append(i)
                    .append("\", \"models\": [\"m").append(i).append("\"]}");
        }
        return config.replace("{\"name\": \"x\", \"value\": \"xai-key\", \"models\": [\"*\"]}",
                        "{\"name\": \"x\", \"value\": \"xai-key\", \"models\": [\"*\"]}, " + keys)
                .replace("\"fw-key-one\"", "\"fw-key-one-b\"").replace("\"mistral-key\"", "\"mistral-key-b\"");
    }

    static String storedHash(Path db) {
        SQLiteDataSource ds = TestDatabase.dataSource(db);
        List<ConfigJson.Entity> entities = new ArrayList<>();
        for (StoredEntity s : new ConfigStore(new Database(ds, Dialect.SQLITE, "config.db")).loadAll()) {
            entities.add(new ConfigJson.Entity(s.kind(), s.name(), ConfigJson.parse(s.json()), s.hash()));
        }
        return ConfigJson.hash(ConfigJson.join(entities));
    }

    @Test
    void aKillDuringImportLeavesTheOldOrTheNewConfigurationWhole() throws Exception {
        String a = GatewayTestResource.config("http://127.0.0.1:9");
        String b = bigVariant(a);
        // As stored: literal virtual keys kept as their hashes.
        String hashA = ConfigJson.hash(ConfigJson.forStorage(ConfigJson.read(a.getBytes(StandardCharsets.UTF_8), "a")));
        String hashB = ConfigJson.hash(ConfigJson.forStorage(ConfigJson.read(b.getBytes(StandardCharsets.UTF_8), "b")));
        Path appDir = Files.createTempDirectory("heimdall-crash");
        Random random = new Random(42);
        HttpClient http = HttpClient.newHttpClient();
        int sawOld = 0;
        int sawNew = 0;
        for (int round = 0; round < 8; round++) {
            boolean toB = round % 2 == 0;
            String from = toB ? a : b;
            Files.writeString(appDir.resolve("config.json"), from);
            int port = GracefulDrainIT.freePort();
            List<String> cmd = GracefulDrainIT.command();
            cmd.add(1, "-Dquarkus.http.port=" + port);
            cmd.add(1, "-Dheimdall.config-watch-interval=20ms");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(appDir.resolve("gateway.log").toFile());
            pb.environment().put("HEIMDALL_APP_DIR", appDir.toString());
            Process p = pb.start();
            try {
                awaitReady(http, URI.create("http://127.0.0.1:" + port + "/q/health/ready"), appDir);
                Files.writeString(appDir.resolve("config.json.tmp"), toB ? b : a);
                Files.move(appDir.resolve("config.json.tmp"), appDir.resolve("config.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Thread.sleep(random.nextInt(60)); // not a wait: the kill lands at a random moment of the import
            } finally {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String stored = storedHash(appDir.resolve("config.db"));
            assertTrue(stored.equals(hashA) || stored.equals(hashB), "round " + round + ": config.db holds a mix");
            boolean isNew = stored.equals(toB ? hashB : hashA);
            sawNew += isNew ? 1 : 0;
            sawOld += isNew ? 0 : 1;
        }
        System.out.printf("CrashDuringImportIT: 8 kills, %d left the old configuration, %d the new one%n", sawOld, sawNew);
    }

    static void awaitReady(HttpClient http, URI ready, Path appDir) throws Exception {
        // A deadline, not a count of tries: a JVM start on a busy machine can take tens of seconds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadline < 0) {
            try {
                if (http.send(HttpRequest.newBuilder(ready).timeout(java.time.Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("gateway not ready within 60 s\n" + Files.readString(appDir.resolve("gateway.log")));
    }
}
