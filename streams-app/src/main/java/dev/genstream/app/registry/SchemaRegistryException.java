package dev.genstream.app.registry;

/**
 * A registry call that failed. {@link #status()} is the HTTP status, or 0 when no registry answered;
 * {@link #errorCode()} is the registry's own {@code error_code} (e.g. 40403 schema not found), or 0.
 */
public class SchemaRegistryException extends RuntimeException {
    public static final int UNREACHABLE = 0;
    /** Confluent's "invalid schema", also used here for a schema that is not Avro. */
    public static final int INVALID_SCHEMA = 42201;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    /**
     * The registry answered, and the answer will not change by asking again: no such subject, version or id (404),
     * or a malformed request (400, 422). Anything else (no answer, a server error, a refused credential, a rate
     * limit) may pass, so callers retry it rather than give up on the record.
     */
    public boolean isDefinitive() {
        return status == 404 || status == 400 || status == 422;
    }

    /** The subject's compatibility rule refused the schema. */
    public boolean isIncompatible() {
        return status == 409;
    }
}
