package io.microlink.interop.hardening;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The misbehaving clients of the web-flood test, each a loop that runs until {@link #stop()}:
 * junk and cut-off heads, slowloris, bursts of connections held open at once, oversize heads
 * and bodies, and SOCKS5 and HTTP-proxy handshakes that go wrong in every way a proxy must
 * refuse. Each opens its connections with a {@link Dialer}, so the same attack runs from
 * another local address or from a tailnet peer through its SOCKS5 proxy. What each attack saw
 * (a refusal answered, a connection cut) is counted by name, for the report and the asserts.
 */
final class Attacks {
    /** Opens one attacking connection. */
    @FunctionalInterface
    interface Dialer {
        Socket open() throws IOException;
    }

    private static final byte[] CRLF2 = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private final AtomicBoolean on = new AtomicBoolean(true);
    private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    boolean on() {
        return on.get();
    }

    /** Starts {@code attack} on a thread of its own. */
    void start(String name, Runnable attack) {
        Thread t = Thread.ofPlatform().name("flood-" + name).daemon().uncaughtExceptionHandler((th, e) -> {
            synchronized (failures) {
                failures.add(e);
            }
        }).start(attack);
        threads.add(t);
    }

    /** Stops every attack and waits for them; returns what made one end early (empty: all ran to the end). */
    List<Throwable> stop() throws InterruptedException {
        on.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    void count(String what) {
        seen.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    long seen(String what) {
        AtomicLong n = seen.get(what);
        return n == null ? 0 : n.get();
    }

    Map<String, Long> seen() {
        Map<String, Long> all = new TreeMap<>();
        seen.forEach((k, v) -> all.put(k, v.get()));
        return all;
    }

    /** Short connections carrying random bytes, a cut-off request head, or a head with junk in it. */
    void junk(String name, Dialer dialer, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] heads = {"GET / HTTP/1.1\r\nHost: x\r\n", "POST /api/settings HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
                "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n",
                "CONNECT :0 HTTP/1.1\r\n\r\n", "GET http://[::1 HTTP/1.1\r\n\r\n", "\u0005\u0001\u0000\u0001\r\n\r\n",
                "GET /\u0000\u00ff HTTP/1.1\r\n\r\n", "G\r\n\r\n"};
        while (on()) {
            try (Socket s = dialer.open()) {
                byte[] payload;
                if (random.nextBoolean()) {
                    payload = heads[random.nextInt(heads.length)].getBytes(StandardCharsets.ISO_8859_1);
                } else {
                    payload = new byte[random.nextInt(1, 4096)];
                    random.nextBytes(payload);
                }
                s.getOutputStream().write(payload);
                count(name + " junk sent");
            } catch (IOException e) {
                count(name + " junk refused");
            }
            pause(2);
        }
    }

    /** Up to {@code max} connections, each sending one more byte of an endless head every half second. */
    void slowloris(String name, Dialer dialer, int max, String headStart) {
        List<Socket> held = new ArrayList<>();
        try {
            while (on()) {
                held.removeIf(Socket::isClosed);
                while (held.size() < max && on()) {
                    try {
                        Socket s = dialer.open();
                        s.getOutputStream().write(headStart.getBytes(StandardCharsets.ISO_8859_1));
                        held.add(s);
                        count(name + " slowloris opened");
                    } catch (IOException e) {
                        count(name + " slowloris refused");
                        break;
                    }
                }
                for (Socket s : held) {
                    try {
                        s.getOutputStream().write('a');
                    } catch (IOException e) {
                        count(name + " slowloris cut");
                        closeQuietly(s);
                    }
                }
                pause(500);
            }
        } finally {
            held.forEach(Attacks::closeQuietly);
        }
    }

    /** {@code n} connections opened as fast as the dialer goes, held a moment, closed; again and again. */
    void burst(String name, Dialer dialer, int n) {
        while (on()) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < n && on(); i++) {
                    try {
                        held.add(dialer.open());
                        count(name + " burst opened");
                    } catch (IOException e) {
                        count(name + " burst refused");
                    }
                }
                pause(1000);
            } finally {
                held.forEach(Attacks::closeQuietly);
            }
            pause(500);
        }
    }

    /**
     * Requests too big to take: a head of 64 KiB of fields, and (when {@code bodyPath} is not
     * null) a body announced as 100 MB of which 1 MiB is sent. Counts the status each gets.
     */
    void oversize(String name, Dialer dialer, String requestLine, String bodyPath) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; head.length() < 64 * 1024; i++) {
            head.append("X-Junk-").append(i).append(": ").append("a".repeat(40)).append("\r\n");
        }
        byte[] bigHead = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] bigBody = bodyPath == null ? null : ("POST " + bodyPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; on(); i++) {
            try (Socket s = dialer.open()) {
                OutputStream out = s.getOutputStream();
                if (bigBody == null || i % 2 == 0) {
                    out.write(bigHead);
                } else {
                    out.write(bigBody);
                    for (int k = 0; k < 16; k++) {
                        out.write(chunk);
                    }
                }
                count(name + " oversize " + ProxyDial.status(s.getInputStream()));
            } catch (IOException e) {
                count(name + " oversize cut");
            }
            pause(20);
        }
    }

    /**
     * SOCKS5 handshakes that go wrong in turn: version 4, no methods, only a method not offered,
     * a greeting cut short and held, a wrong password, an empty username, a bad address type, an
     * unsupported command, CONNECT to a port that refuses and to a name outside the tailnet.
     */
    void badSocks5(String name, Dialer dialer, String user, String password, String refusingHost, int refusingPort) {
        int method = user == null ? 0 : 2;
        for (int i = 0; on(); i++) {
            try (Socket s = dialer.open()) {
                OutputStream out = s.getOutputStream();
                int kind = i % 10;
                switch (kind) {
                    case 0 -> out.write(new byte[] {4, 1, 0, 80, 127, 0, 0, 1, 0});
                    case 1 -> out.write(new byte[] {5, 0});
                    case 2 -> out.write(new byte[] {5, 1, (byte) 0x80});
                    case 3 -> out.write(new byte[] {5, 3, (byte) method}); // two of three methods never come
                    default -> {
                        out.write(new byte[] {5, 1, (byte) method});
                        readFully(s, 2);
                        if (user != null) {
                            out.write(kind == 4 ? ProxyDial.usernamePassword(user, password + "x")
                                    : kind == 5 ? new byte[] {1, 0, 0} : ProxyDial.usernamePassword(user, password));
                            if (readFully(s, 2)[1] != 0) {
                                count(name + " socks5 credentials refused");
                                continue;
                            }
                        }
                        out.write(switch (kind) {
                            case 6 -> new byte[] {5, 1, 0, 9, 1, 2, 3, 4, 0, 80};
                            case 7 -> new byte[] {5, 3, 0, 1, 0, 0, 0, 0, 0, 0};
                            case 8 -> ProxyDial.connectByName(refusingHost, refusingPort);
                            default -> ProxyDial.connectByName("not-in-the-tailnet.invalid", 80);
                        });
                    }
                }
                s.getOutputStream().flush();
                byte[] answer = s.getInputStream().readNBytes(kind >= 4 ? 4 : 2);
                count(name + " socks5 " + describe(kind, answer));
            } catch (SocketTimeoutException e) {
                count(name + " socks5 held");
            } catch (IOException e) {
                count(name + " socks5 cut");
            }
            pause(5);
        }
    }

    private static String describe(int kind, byte[] answer) {
        if (answer.length < 2) {
            return "closed";
        }
        return kind >= 4 ? "reply " + (answer[1] & 0xff) : "method " + (answer[1] & 0xff);
    }

    /**
     * HTTP-proxy requests that must be refused: no credentials or wrong ones (when it wants
     * them), CONNECT to a port that refuses or a name outside the tailnet, a request that is
     * neither CONNECT nor absolute-form, and a CONNECT with no authority.
     */
    void badHttpProxy(String name, Dialer dialer, String user, String password, String refusingHost, int refusingPort) {
        for (int i = 0; on(); i++) {
            byte[] request = switch (i % 5) {
                case 0 -> ProxyDial.connectHead(user == null ? null : user, user == null ? null : password + "x",
                        refusingHost, refusingPort);
                case 1 -> ProxyDial.connectHead(user, password, refusingHost, refusingPort);
                case 2 -> ProxyDial.connectHead(user, password, "not-in-the-tailnet.invalid", 80);
                case 3 -> "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
                default -> "CONNECT HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            };
            try (Socket s = dialer.open()) {
                s.getOutputStream().write(request);
                count(name + " http " + ProxyDial.status(s.getInputStream()));
            } catch (IOException e) {
                count(name + " http cut");
            }
            pause(5);
        }
    }

    private static byte[] readFully(Socket s, int n) throws IOException {
        byte[] b = s.getInputStream().readNBytes(n);
        if (b.length < n) {
            throw new IOException("closed");
        }
        return b;
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // an attacker's socket: nothing to keep
        }
    }

    private void pause(long ms) {
        if (!on()) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            on.set(false);
        }
    }
}
