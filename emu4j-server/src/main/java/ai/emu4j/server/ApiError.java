package ai.emu4j.server;

/**
 * An error answered with an HTTP status and OpenAI's envelope {@code {"error":{"message","type","param","code"}}}.
 * Messages are written for the client; no stack trace or file path ever goes into one.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, "invalid_value", message);
    }

    /** A request over one of the {@link Limits}; 413 for sizes of the payload, 400 for counts. */
    public static ApiError limit(int status, String param, String limitName, String message) {
        return new ApiError(status, "invalid_request_error", param, limitName + "_exceeded", message + " (server limit " + limitName + ")");
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", null, "not_found", message);
    }

    public static ApiError unavailable(String code, String message) {
        return new ApiError(503, "unavailable_error", null, code, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
