package dev.heimdall.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyCollectorTest {

    @Test
    void aLargeDeclaredLengthReservesNoMoreThanTheCap() {
        BodyCollector body = new BodyCollector(100L * 1024 * 1024);
        assertEquals(BodyCollector.MAX_PREALLOCATED, body.capacity());
    }

    @Test
    void theBodyGrowsWithWhatArrivesAndComesBackExact() {
        BodyCollector body = new BodyCollector(0);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            String part = "chunk-" + i + ";";
            expected.append(part);
            body.append(Buffer.buffer(part));
        }
        byte[] bytes = body.bytes();
        assertArrayEquals(expected.toString().getBytes(StandardCharsets.UTF_8), bytes);
        assertTrue(body.capacity() < 2 * bytes.length + 256, "grown by doubling, not by the declared length");
    }
}
