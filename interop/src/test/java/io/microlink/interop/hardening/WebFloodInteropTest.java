package io.microlink.interop.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.microlink.AddressText;
import io.microlink.TailnetNode;
import io.microlink.host.proxy.HttpProxy;
import io.microlink.host.proxy.ProxyCredentials;
import io.microlink.host.proxy.ProxySettings;
import io.microlink.host.proxy.Socks5Proxy;
import io.microlink.host.serve.TcpForwarder;
import io.microlink.host.settings.SettingsStore;
import io.microlink.interop.Await;
import io.microlink.interop.FreePorts;
import io.microlink.interop.JvmHealth;
import io.microlink.interop.Tailscaled;
import io.microlink.interop.TcpEchoServer;
import io.microlink.interop.TestTailnet;
import io.microlink.netstack.socket.TailnetSocket;
import io.microlink.web.GuestAccess;
import io.microlink.web.NodeWebBackend;
import io.microlink.web.StoreNodeHost;
import io.microlink.web.WebOptions;
import io.microlink.web.WebServer;
import io.microlink.web.WebToken;
import io.microlink.web.http.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A flood at everything a node serves over TCP, while its owner uses all of it and a bulk
 * transfer with a real tailscaled runs: the local web page and its JSON API, the four local
 * proxies (SOCKS5 and HTTP, with and without a password), and, from a tailscaled of another
 * user, the tailnet web port and a {@code serve}d port. The flood: junk and cut-off heads,
 * slowloris, bursts of connections held at once, oversize heads and bodies, bad SOCKS5
 * greetings, methods and credentials, CONNECT to a refusing port and to names outside the
 * tailnet. The owner's every request must be answered within {@link OwnerProbes#PATIENCE}; the
 * transfer must come back intact; afterwards the node's threads, file descriptors and heap
 * after GC must be back near where they were, every listener must still accept, every kind of
 * refusal must have been counted, and the log must have stayed short and free of stack traces.
 *
 * <p>Local attackers connect from 127.0.0.2 as this JVM's user; the owner's page requests run as
 * another local user (nobody), whose share of the page's slots the attackers' cannot touch
 * (docs/security.md, "Local callers"). The proxies count sources by address.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WebFloodInteropTest {
    private static final Duration FLOOD = Duration.ofSeconds(15);
    private static final Duration ATTACK_TIMEOUT = Duration.ofSeconds(2);
    private static final InetAddress ATTACKER = InetAddress.ofLiteral("127.0.0.2");
    private static final int SERVED_PORT = 8443;
    private static final int WEB_TAILNET_PORT = 80;
    /** A tailnet port on the owner's tailscaled where nothing listens: CONNECT there is refused (RST). */
    private static final int REFUSING_PORT = 1;
    private static final long TRANSFER_BYTES = 2L * 1024 * 1024;
    /**
     * Heap after GC may grow this much: the flood makes tens of thousands of connections, and
     * what the JIT, class loading and the TCP stack's tables keep after the first of each kind is
     * a few MiB; a leak of one connection's buffers per connection would be hundreds.
     */
    private static final long HEAP_MARGIN = 24L * 1024 * 1024;
    /** Pools that start a thread on first use under load (the JDK's, the watchdogs); a leak would be thousands. */
    private static final int THREAD_MARGIN = 4;
    /** Descriptors: lazily opened ones (a netlink socket, a selector); a leaked connection each would be thousands. */
    private static final int FD_MARGIN = 16;
    /** Log records at INFO and above from the web server, proxies and serve in the flood: rate-limited, not one per connection. */
    private static final int LOG_BUDGET = 200;
    private static final String USER = "flood-owner";
    private static final String PASSWORD = "correct horse battery staple";

    @RegisterExtension
    static final TestTailnet tailnet = TestTailnet.create();

    @Test
    void theOwnerAndTheNodeOutlastAFloodAtThePageTheProxiesAndServe() throws Exception {
        Tailscaled real = tailnet.addNode("real");
        Tailscaled mallory = tailnet.addNode("mallory", "mallory", Tailscaled.Options.DEFAULT);
        TailnetNode java = tailnet.addJavaNode("java-webflood", real);
        Await.until(Duration.ofSeconds(45), "mallory to see java-webflood",
                () -> mallory.status().seesOnlineWithHomeDerp("java-webflood"));
        String javaIp = AddressText.of(java.tailnet().self().orElseThrow().addresses().getFirst());
        String realIp = real.ip("-4").getFirst();
        ProxyCredentials credentials = ProxyCredentials.of(USER, PASSWORD);
        int pagePort = FreePorts.tcp();
        WebToken token = WebToken.inDirectory(tailnet.dir().resolve("webflood-state"));
        LogTally log = new LogTally("io.microlink.web", "io.microlink.proxy", "io.microlink.serve");

        try (TcpEchoServer realEcho = new TcpEchoServer(); TcpEchoServer servedEcho = new TcpEchoServer();
             TcpForwarder served = TcpForwarder.start(java, SERVED_PORT, servedEcho.port());
             WebServer web = WebServer.start(new NodeWebBackend(java, new StoreNodeHost(java,
                             new SettingsStore(tailnet.dir().resolve("webflood-settings")), () -> { })),
                     new WebOptions(true, WEB_TAILNET_PORT, pagePort, GuestAccess.NONE, HttpServer.Limits.DEFAULT, token));
             Socks5Proxy socks = Socks5Proxy.start(java::dial, ProxySettings.onPort(0));
             Socks5Proxy socksAuth = Socks5Proxy.start(java::dial, ProxySettings.onPort(0).withCredentials(credentials));
             HttpProxy http = HttpProxy.start(java::dial, ProxySettings.onPort(0));
             HttpProxy httpAuth = HttpProxy.start(java::dial, ProxySettings.onPort(0).withCredentials(credentials));
             log) {
            Map<String, OwnerProbes.Proxy> socksProxies = new LinkedHashMap<>();
            socksProxies.put("socks5", new OwnerProbes.Proxy(socks.address(), null, null));
            socksProxies.put("socks5 with password", new OwnerProbes.Proxy(socksAuth.address(), USER, PASSWORD));
            Map<String, OwnerProbes.Proxy> httpProxies = new LinkedHashMap<>();
            httpProxies.put("http proxy", new OwnerProbes.Proxy(http.address(), null, null));
            httpProxies.put("http proxy with password", new OwnerProbes.Proxy(httpAuth.address(), USER, PASSWORD));
            OwnerProbes owner = new OwnerProbes(pagePort, token.text(), socksProxies, httpProxies, real.socks5Port(),
                    realIp, realEcho.port(), javaIp, SERVED_PORT);
            Await.until(Duration.ofSeconds(45), "the owner's first round to go through", () -> owner.all().isEmpty());
            assertIntact(transfer(java, realEcho, 1, () -> false), "warm-up transfer");
            assertThat(owner.all()).as("the owner before the flood").isEmpty();
            JvmHealth.Sample before = JvmHealth.sample();
            log.reset();
            owner.resetTimes();

            Attacks attacks = new Attacks();
            startLocal(attacks, "page", pagePort, () -> attacks.slowloris("page", local(pagePort), 40,
                    "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
            attacks.start("page-oversize", () -> attacks.oversize("page", local(pagePort), "GET /api/status HTTP/1.1",
                    "/api/settings"));
            for (Map.Entry<String, InetSocketAddress> p : Map.of("socks5", socks.address(), "socks5-auth",
                    socksAuth.address()).entrySet()) {
                int port = p.getValue().getPort();
                boolean auth = p.getKey().endsWith("auth");
                startLocal(attacks, p.getKey(), port, () -> attacks.slowloris(p.getKey(), local(port), 20, "\u0005"));
                attacks.start(p.getKey() + "-bad", () -> attacks.badSocks5(p.getKey(), local(port), auth ? USER : null,
                        PASSWORD, realIp, REFUSING_PORT));
            }
            for (Map.Entry<String, InetSocketAddress> p : Map.of("http", http.address(), "http-auth",
                    httpAuth.address()).entrySet()) {
                int port = p.getValue().getPort();
                boolean auth = p.getKey().endsWith("auth");
                startLocal(attacks, p.getKey(), port, () -> attacks.slowloris(p.getKey(), local(port), 20,
                        "CONNECT " + realIp + ":" + realEcho.port() + " HTTP/1.1\r\nX-Slow: "));
                attacks.start(p.getKey() + "-bad", () -> attacks.badHttpProxy(p.getKey(), local(port),
                        auth ? USER : null, PASSWORD, realIp, REFUSING_PORT));
                attacks.start(p.getKey() + "-oversize", () -> attacks.oversize(p.getKey(), local(port),
                        "CONNECT " + realIp + ":" + realEcho.port() + " HTTP/1.1", null));
            }
            InetSocketAddress mallorySocks = new InetSocketAddress(InetAddress.getLoopbackAddress(), mallory.socks5Port());
            Attacks.Dialer tailnetPage = () -> ProxyDial.socks5(mallorySocks, null, null, null, javaIp,
                    WEB_TAILNET_PORT, ATTACK_TIMEOUT.multipliedBy(2));
            Attacks.Dialer servedPort = () -> ProxyDial.socks5(mallorySocks, null, null, null, javaIp, SERVED_PORT,
                    ATTACK_TIMEOUT.multipliedBy(2));
            attacks.start("peer-page-slowloris", () -> attacks.slowloris("peer page", tailnetPage, 40,
                    "GET /api/status HTTP/1.1\r\nHost: " + javaIp + "\r\nX-Slow: "));
            attacks.start("peer-page-junk", () -> attacks.junk("peer page", tailnetPage, 7));
            attacks.start("peer-page-burst", () -> attacks.burst("peer page", tailnetPage, 40));
            attacks.start("peer-served-hold", () -> attacks.slowloris("peer served", servedPort,
                    TcpForwarder.DEFAULT_MAX_CONNECTIONS + 44, ""));

            AtomicReference<StreamingEcho.Result> during = new AtomicReference<>();
            long end = System.nanoTime() + FLOOD.toNanos();
            Thread transfer = Thread.ofPlatform().name("flood-transfer").start(() -> {
                try {
                    during.set(transfer(java, realEcho, 2, () -> System.nanoTime() - end < 0));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<String> ownerProblems = new ArrayList<>();
            int rounds = 0;
            Thread.sleep(2000); // the attacks under way before the owner's first round
            while (System.nanoTime() - end < 0) {
                List<String> problems = owner.all();
                int round = rounds++;
                problems.forEach(p -> ownerProblems.add("round " + round + ": " + p));
                Thread.sleep(300);
            }
            transfer.join(60_000);
            List<Throwable> attackFailures = attacks.stop();
            Map<String, Long> logDuring = log.counts();
            Map<String, Long> slowest = new TreeMap<>(owner.slowestMs());

            // Every listener still takes the owner, and the node goes back to what it held.
            List<String> ownerAfter = owner.all();
            StreamingEcho.Result afterTransfer = transfer(java, realEcho, 3, () -> false);
            Await.until(Duration.ofSeconds(20), "the node's connection threads to end",
                    () -> JvmHealth.nodeThreads().values().stream().mapToInt(Integer::intValue).sum()
                            <= before.threadCount() + THREAD_MARGIN);
            JvmHealth.Sample after = JvmHealth.sample();

            Map<String, Long> refused = new TreeMap<>();
            refused.put("web refused connections", web.refusedConnections());
            refused.put("web refused requests", web.refusedRequests());
            refused.put("socks5 refused connections", socks.refusedConnections() + socksAuth.refusedConnections());
            refused.put("socks5 failed handshakes", socks.failedHandshakes() + socksAuth.failedHandshakes());
            refused.put("http refused connections", http.refusedConnections() + httpAuth.refusedConnections());
            refused.put("http failed handshakes", http.failedHandshakes() + httpAuth.failedHandshakes());
            refused.put("serve refused connections", served.refusedConnections());
            System.out.printf("web flood over %s: %d owner rounds, the slowest answer of each (ms) %s, %d MiB echoed;%n"
                            + "the attackers saw %s;%n"
                            + "the node counted %s;%nlog records at INFO and above %s;%nbefore %s%nafter  %s%n",
                    FLOOD, rounds, slowest, during.get() == null ? -1 : during.get().receivedBytes() >> 20, attacks.seen(), refused, logDuring, before,
                    after);

            assertThat(attackFailures).as("attacks that ended early").isEmpty();
            assertThat(ownerProblems).as("the owner's requests during the flood (%d rounds)", rounds).isEmpty();
            // A round is eight requests, about 2 s under this flood on two busy cores: 6 to 8 fit in.
            assertThat(rounds).as("owner rounds").isGreaterThanOrEqualTo(3);
            assertIntact(during.get(), "the transfer during the flood");
            assertThat(ownerAfter).as("the owner after the flood").isEmpty();
            assertIntact(afterTransfer, "a transfer after the flood");

            assertThat(after.threads().keySet()).as("no node thread died").containsAll(before.threads().keySet());
            assertThat(after.threadCount()).as("node threads").isLessThanOrEqualTo(before.threadCount() + THREAD_MARGIN);
            assertThat(after.openFds()).as("file descriptors").isLessThanOrEqualTo(before.openFds() + FD_MARGIN);
            assertThat(after.heapAfterGc()).as("heap after GC").isLessThan(before.heapAfterGc() + HEAP_MARGIN);
            assertThat(refused).as("every kind of refusal counted").allSatisfy((k, v) -> assertThat(v).as(k).isPositive());
            assertThat(attacks.seen("socks5-auth socks5 reply 5")).as("SOCKS5 CONNECT to a refusing port: reply 5")
                    .isPositive();
            assertThat(attacks.seen("http-auth http 502")).as("HTTP CONNECT to a refusing port: 502").isPositive();
            assertThat(attacks.seen("http-auth http 407")).as("HTTP proxy, wrong password: 407").isPositive();
            assertThat(attacks.seen("socks5-auth socks5 credentials refused")).as("SOCKS5, wrong password").isPositive();
            assertThat(attacks.seen("page oversize 431")).as("the page's answer to a 64 KiB head").isPositive();
            assertThat(log.withStackTrace()).as("log records with a stack trace (an unforeseen failure)").isEmpty();
            assertThat(logDuring.values().stream().mapToLong(Long::longValue).sum())
                    .as("log records at INFO and above during the flood").isLessThanOrEqualTo(LOG_BUDGET);
        }
    }

    /** A connection from the local attacker's address. */
    private static Attacks.Dialer local(int port) {
        InetSocketAddress to = new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port);
        return () -> ProxyDial.open(to, ATTACKER, ATTACK_TIMEOUT);
    }

    /** The attacks every local port gets (junk, bursts) plus {@code special}. */
    private static void startLocal(Attacks attacks, String name, int port, Runnable special) {
        attacks.start(name + "-junk", () -> attacks.junk(name, local(port), port));
        attacks.start(name + "-burst", () -> attacks.burst(name, local(port), 100));
        attacks.start(name + "-special", special);
    }

    private static StreamingEcho.Result transfer(TailnetNode java, TcpEchoServer echo, long seed,
                                                 java.util.function.BooleanSupplier keepGoing) throws Exception {
        try (TailnetSocket s = java.dial("real", echo.port(), Duration.ofSeconds(20))) {
            return StreamingEcho.run(s, seed, TRANSFER_BYTES, keepGoing);
        }
    }

    private static void assertIntact(StreamingEcho.Result r, String what) {
        assertThat(r).as(what).isNotNull();
        assertThat(r.receivedBytes()).as(what + ": bytes echoed").isEqualTo(r.sentBytes())
                .isGreaterThanOrEqualTo(TRANSFER_BYTES);
        assertThat(r.receivedSha256()).as(what + ": SHA-256 of the echo").isEqualTo(r.sentSha256());
    }

    /** Counts the records of some loggers at INFO and above, by logger, and keeps those with a stack trace. */
    private static final class LogTally extends Handler implements AutoCloseable {
        private final List<Logger> loggers = new ArrayList<>();
        private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        private final List<String> withStackTrace = new java.util.concurrent.CopyOnWriteArrayList<>();

        LogTally(String... names) {
            for (String name : names) {
                Logger l = Logger.getLogger(name);
                l.addHandler(this);
                loggers.add(l);
            }
        }

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() < Level.INFO.intValue()) {
                return;
            }
            counts.computeIfAbsent(r.getLoggerName(), k -> new AtomicLong()).incrementAndGet();
            if (r.getThrown() != null) {
                withStackTrace.add(r.getLoggerName() + ": " + r.getMessage() + ": " + r.getThrown());
            }
        }

        void reset() {
            counts.clear();
        }

        Map<String, Long> counts() {
            Map<String, Long> all = new TreeMap<>();
            counts.forEach((k, v) -> all.put(k, v.get()));
            return all;
        }

        List<String> withStackTrace() {
            return List.copyOf(withStackTrace);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            loggers.forEach(l -> l.removeHandler(this));
        }
    }
}
