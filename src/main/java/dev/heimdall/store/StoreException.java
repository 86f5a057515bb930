package dev.heimdall.store;

/** SQLite could not do what was asked; the cause is kept for the log, never shown to clients. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
