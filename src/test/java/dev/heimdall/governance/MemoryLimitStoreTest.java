package dev.heimdall.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.config.ResetWindow;
import dev.heimdall.governance.LimitStore.Verdict;
import dev.heimdall.store.CounterStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Counters with a clock the test controls: limits, reservations, settling, window resets, restore. */
class MemoryLimitStoreTest {

    private static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    private static final Limit TWO_PER_MINUTE = new Limit("vk:a:rl:r:requests", Limit.Kind.REQUESTS, 2, ResetWindow.parse("1m"), "virtual key a", "r");
    private static final Limit BUDGET = new Limit("budget:b", Limit.Kind.BUDGET, Limit.nanoUsd(1.0), ResetWindow.parse("1d"), "virtual key a", "b");

    private final MemoryLimitStore store = new MemoryLimitStore();

    private Verdict admit(List<Limit> limits, long nanoUsd, long now) {
        return store.admit(limits, 100, nanoUsd, now).result();
    }

    @Test
    void aRequestLimitResetsAtTheWindowBoundary() {
        assertTrue(admit(List.of(TWO_PER_MINUTE), 0, T0).admitted());
        assertTrue(admit(List.of(TWO_PER_MINUTE), 0, T0 + 59_000).admitted());
        Verdict refused = admit(List.of(TWO_PER_MINUTE), 0, T0 + 59_999);
        assertFalse(refused.admitted());
        assertEquals(T0 + 60_000, refused.resetAt());
        assertTrue(admit(List.of(TWO_PER_MINUTE), 0, T0 + 60_000).admitted(), "a new window starts from zero");
    }

    @Test
    void aBudgetCountsReservationsUntilSettledAndARefusalChangesNothing() {
        Verdict first = admit(List.of(TWO_PER_MINUTE, BUDGET), Limit.nanoUsd(0.6), T0);
        Verdict second = admit(List.of(TWO_PER_MINUTE, BUDGET), Limit.nanoUsd(0.6), T0);
        assertTrue(first.admitted() && second.admitted(), "0.6 reserved is under 1.0, so the second is admitted");
        Verdict third = admit(List.of(BUDGET), Limit.nanoUsd(0.1), T0);
        assertFalse(third.admitted(), "1.2 reserved reaches the budget");
        assertEquals(BUDGET, third.refusedBy());
        store.settle(first, 50, Limit.nanoUsd(0.05), T0 + 1);
        store.settle(second, 50, Limit.nanoUsd(0.05), T0 + 2);
        assertEquals(new LimitStore.CounterState(Limit.nanoUsd(0.1), 0, T0 - T0 % 86_400_000L + 86_400_000L), store.state(BUDGET, T0 + 3));
        assertEquals(2, store.state(TWO_PER_MINUTE, T0 + 3).used(), "the refused request was not counted anywhere");
        assertTrue(admit(List.of(BUDGET), 0, T0 + 4).admitted());
    }

    @Test
    void chargesArePersistedAndRestoredOnlyIntoTheirWindow() {
        Verdict v = admit(List.of(BUDGET), 0, T0);
        store.settle(v, 0, Limit.nanoUsd(0.25), T0);
        List<CounterStore.Row> dirty = store.dirty();
        assertEquals(List.of(new CounterStore.Row("budget:b", T0 - T0 % 86_400_000L, Limit.nanoUsd(0.25))), dirty);
        assertEquals(List.of(), store.dirty(), "written once until charged again");

        MemoryLimitStore restarted = new MemoryLimitStore();
        restarted.restore(dirty, Map.of("budget:b", BUDGET), T0 + 3_600_000);
        assertEquals(Limit.nanoUsd(0.25), restarted.state(BUDGET, T0 + 3_600_000).used(), "a restart keeps the day's spend");
        MemoryLimitStore nextDay = new MemoryLimitStore();
        nextDay.restore(dirty, Map.of("budget:b", BUDGET), T0 + 86_400_000);
        assertEquals(0, nextDay.state(BUDGET, T0 + 86_400_000).used(), "yesterday's spend does not count today");
    }

    @Test
    void openAiResetFormat() {
        assertEquals("1s", Governance.duration(1));
        assertEquals("6m0s", Governance.duration(360_000));
        assertEquals("1h2m3s", Governance.duration(3_723_000));
        assertEquals("2d0h0m5s", Governance.duration(2 * 86_400_000L + 5_000));
    }
}
