package dev.heimdall.config;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often a budget or rate limit starts over, as Bifrost writes it: {@code 30s}, {@code 5m}, {@code 1h},
 * {@code 1d}, {@code 1w}, {@code 1M} (calendar month), {@code 1Y} (calendar year).
 *
 * <p>Windows are fixed and aligned in UTC (days at midnight, weeks on Monday, months on the 1st, shorter
 * units on multiples of their length since the epoch), so every replica computes the same window for the
 * same instant and a counter is keyed by its window's start: no replica has to tell the others it reset.
 */
public record ResetWindow(int amount, Unit unit) {

    private static final Pattern SYNTAX = Pattern.compile("([1-9][0-9]{0,5})([smhdwMY])");
    /** 1970-01-01 was a Thursday; weeks start on Monday. */
    private static final long MONDAY_OFFSET_MILLIS = 4 * 86_400_000L;

    public enum Unit {
        SECOND('s', 1_000L), MINUTE('m', 60_000L), HOUR('h', 3_600_000L), DAY('d', 86_400_000L), WEEK('w', 7 * 86_400_000L),
        MONTH('M', 0), YEAR('Y', 0);

        final char symbol;
        final long millis;

        Unit(char symbol, long millis) {
            this.symbol = symbol;
            this.millis = millis;
        }
    }

    /** Parses {@code 1h}; null when the text is no duration Bifrost writes. */
    public static ResetWindow parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            return null;
        }
        char symbol = m.group(2).charAt(0);
        for (Unit u : Unit.values()) {
            if (u.symbol == symbol) {
                return new ResetWindow(Integer.parseInt(m.group(1)), u);
            }
        }
        return null;
    }

    /** Start (epoch millis) of the window holding {@code epochMillis}. */
    public long start(long epochMillis) {
        return switch (unit) {
            case MONTH, YEAR -> {
                LocalDate d = Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC).toLocalDate();
                long index = unit == Unit.MONTH ? d.getYear() * 12L + d.getMonthValue() - 1 : d.getYear();
                long first = Math.floorDiv(index, amount) * amount;
                LocalDate begin = unit == Unit.MONTH
                        ? LocalDate.of((int) Math.floorDiv(first, 12), (int) Math.floorMod(first, 12) + 1, 1)
                        : LocalDate.of((int) first, 1, 1);
                yield begin.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            case WEEK -> Math.floorDiv(epochMillis - MONDAY_OFFSET_MILLIS, length()) * length() + MONDAY_OFFSET_MILLIS;
            default -> Math.floorDiv(epochMillis, length()) * length();
        };
    }

    /** End (epoch millis, exclusive) of the window that starts at {@code start}. */
    public long end(long start) {
        return switch (unit) {
            case MONTH -> Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC).plusMonths(amount).toInstant().toEpochMilli();
            case YEAR -> Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC).plus(amount, ChronoUnit.YEARS).toInstant().toEpochMilli();
            default -> start + length();
        };
    }

    private long length() {
        return amount * unit.millis;
    }

    @Override
    public String toString() {
        return amount + String.valueOf(unit.symbol);
    }
}
