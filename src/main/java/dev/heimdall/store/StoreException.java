package dev.heimdall.store;

/**
 * A store's database could not do what was asked. The message names the database (never with a password) and
 * says why; the management API shows it to the admin who asked. The cause is kept for the log.
 */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
