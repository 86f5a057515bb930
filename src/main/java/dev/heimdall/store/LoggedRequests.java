package dev.heimdall.store;

import java.util.List;

/** Request-log rows just written (with their ids), fired as a CDI event by the writer for whoever follows the log live. */
public record LoggedRequests(List<LogEntry> entries) {
}
