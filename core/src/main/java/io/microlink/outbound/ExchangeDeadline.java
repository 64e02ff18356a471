package io.microlink.outbound;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One deadline for a whole exchange on a socket (a proxy's handshake, a request and its
 * reply). A read timeout bounds each read only, so a server that sends a byte just before each
 * one runs out holds the caller as long as it likes; this closes the socket when the deadline
 * passes, which ends whatever read, write or TLS handshake is blocked on it, and the caller
 * gets a {@link SocketTimeoutException} instead of the error the closed socket caused.
 *
 * <pre>{@code
 * HttpHead.Status reply = ExchangeDeadline.run(socket, Duration.ofSeconds(5), () -> readReply(socket));
 * }</pre>
 */
public final class ExchangeDeadline {
    private static final int ARMED = 0;
    private static final int FIRED = 1;
    private static final int DISARMED = 2;

    private ExchangeDeadline() {}

    /**
     * The work of one exchange on the socket.
     *
     * @param <T> what it returns
     * @param <E> a checked exception of its own besides {@link IOException}
     */
    @FunctionalInterface
    public interface Exchange<T, E extends Exception> {
        /**
         * Does the exchange.
         *
         * @return its result
         * @throws IOException when the socket fails
         * @throws E           as the exchange defines
         */
        T run() throws IOException, E;
    }

    /**
     * Runs {@code exchange}, closing {@code socket} if it is not done within {@code budget}.
     *
     * @param socket   the socket the exchange reads and writes; closed on overrun
     * @param budget   the time the whole exchange may take
     * @param exchange the work
     * @param <T>      what the exchange returns
     * @param <E>      the exchange's own checked exception
     * @return what the exchange returned, if it finished in time
     * @throws SocketTimeoutException when the deadline passed first (the socket is then closed),
     *                                whatever the exchange threw or returned
     * @throws IOException            as the exchange threw it, in time
     * @throws E                      as the exchange threw it, in time
     */
    public static <T, E extends Exception> T run(Socket socket, Duration budget, Exchange<T, E> exchange)
            throws IOException, E {
        AtomicInteger state = new AtomicInteger(ARMED);
        Thread watchdog = Thread.ofVirtual().name("microlink-exchange-deadline").start(() -> {
            try {
                Thread.sleep(budget);
            } catch (InterruptedException e) {
                return; // the exchange ended first
            }
            if (state.compareAndSet(ARMED, FIRED)) {
                closeQuietly(socket);
            }
        });
        T result;
        try {
            result = exchange.run();
        } catch (Exception e) {
            watchdog.interrupt();
            if (!state.compareAndSet(ARMED, DISARMED)) {
                throw timeout(budget, e);
            }
            throw e;
        }
        watchdog.interrupt();
        // The exchange may end just as the deadline closes the socket: then the socket is useless.
        if (!state.compareAndSet(ARMED, DISARMED)) {
            throw timeout(budget, null);
        }
        return result;
    }

    private static SocketTimeoutException timeout(Duration budget, Exception cause) {
        SocketTimeoutException e = new SocketTimeoutException("the exchange took longer than " + budget.toMillis()
                + " ms");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that was wanted; a socket that fails to close is closed enough.
        }
    }
}
