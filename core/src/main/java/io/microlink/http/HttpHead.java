package io.microlink.http;

import java.util.List;
import java.util.Optional;

/**
 * A parsed HTTP/1.1 head (RFC 9112): a request line or a status line, and the header fields in
 * the order they came. Made by {@link HttpHeadReader}, which has checked every byte of it, so
 * a field holds no CR, LF or other control character but a tab.
 */
public sealed interface HttpHead {
    /** {@code HTTP/1.1} or {@code HTTP/1.0}, the only versions a head is read with. */
    String version();

    List<Field> fields();

    default boolean http10() {
        return version().equals("HTTP/1.0");
    }

    /** The value of the first field named {@code name} (case-insensitive), if any. */
    default Optional<String> field(String name) {
        return fields().stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).findFirst();
    }

    /**
     * A header field line.
     *
     * @param name  as sent (a token; compare without case)
     * @param value without the white space around it; may be empty
     */
    record Field(String name, String value) {}

    /**
     * @param method a token, as sent (methods are case-sensitive)
     * @param target the request target as sent: visible ASCII or bytes 0x80-0xFF (as ISO-8859-1), no spaces
     */
    record Request(String method, String target, String version, List<Field> fields) implements HttpHead {
        public Request {
            fields = List.copyOf(fields);
        }
    }

    /**
     * @param status 100-599
     * @param reason the reason phrase, possibly empty; clients should not act on it (RFC 9112 §4)
     */
    record Status(String version, int status, String reason, List<Field> fields) implements HttpHead {
        public Status {
            fields = List.copyOf(fields);
        }

        /** The status line again, e.g. {@code HTTP/1.1 101 Switching Protocols}, for messages. */
        public String statusLine() {
            return version + " " + status + (reason.isEmpty() ? "" : " " + reason);
        }
    }
}
