package dev.heimdall.admin;

/** A management API request that cannot be served as asked: its status, code and a message for the caller. */
final class AdminException extends RuntimeException {

    private final int status;
    private final String code;
    private final String param;

    AdminException(int status, String code, String message) {
        this(status, code, null, message);
    }

    /** {@code param}: the JSON path in the request body the refusal is about, for a form to show it beside its field. */
    AdminException(int status, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    static AdminException badField(String code, String path, String message) {
        return new AdminException(400, code, path, message);
    }

    static AdminException notFound(String what) {
        return new AdminException(404, "not_found", what + " does not exist");
    }

    static AdminException badRequest(String code, String message) {
        return new AdminException(400, code, message);
    }

    static AdminException conflict(String code, String message) {
        return new AdminException(409, code, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String param() {
        return param;
    }
}
