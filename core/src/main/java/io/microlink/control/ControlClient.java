package io.microlink.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.microlink.control.noise.ControlProtocolException;
import io.microlink.control.wire.MapRequest;
import io.microlink.control.wire.MapResponse;
import io.microlink.control.wire.RegisterRequest;
import io.microlink.control.wire.RegisterResponse;
import io.microlink.http.PeerText;
import io.microlink.key.KeyKind;
import io.microlink.key.PrivateKey;
import io.microlink.key.PublicKey;
import io.microlink.outbound.Dialer;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The ts2021 calls a node makes to its control server: HTTP/2 over one Noise connection,
 * reused for every call and redialled when it breaks.
 *
 * <pre>{@code
 * PublicKey serverKey = ControlClient.fetchServerKey(uri, Duration.ofSeconds(10));
 * try (ControlClient control = new ControlClient(uri, machineKey, serverKey, Duration.ofSeconds(120))) {
 *     RegisterResponse r = control.register(request);
 *     try (ControlClient.MapStream stream = control.map(pollRequest)) {
 *         for (MapResponse m; (m = stream.next()) != null; ) { ... }
 *     }
 * }
 * }</pre>
 */
public final class ControlClient implements Closeable {
    /**
     * The capability version we speak: headscale's minimum (Tailscale v1.80). Higher numbers
     * promise client behaviour we do not have yet; it is sent in the Noise prologue, the
     * register request and every map request alike.
     */
    public static final int CAPABILITY_VERSION = 113;
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final int MAX_ERROR_BODY = 2048;

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final URI server;
    private final OkHttpClient http;
    private volatile boolean closed;
    /** The local address of the connection the last call went over; null before the first. */
    private volatile InetAddress localAddress;
    /**
     * The long polls open now. OkHttp counts a call finished once its head arrived, so the
     * dispatcher's cancelAll does not reach a stream's body: {@link #close} cancels these itself.
     */
    private final Set<Call> streams = ConcurrentHashMap.newKeySet();

    /**
     * @param watchdog how long the map stream may stay silent before it counts as dead
     *                 (control sends keep-alives about once a minute)
     */
    public ControlClient(URI server, PrivateKey machineKey, PublicKey serverKey, Duration watchdog) {
        this(server, machineKey, serverKey, watchdog, defaultTls());
    }

    /** @param tls trust settings for {@code https} control servers (e.g. a private CA) */
    public ControlClient(URI server, PrivateKey machineKey, PublicKey serverKey, Duration watchdog, SSLContext tls) {
        this(server, machineKey, serverKey, watchdog, tls, Dialer.direct());
    }

    /**
     * @param dialer opens the TCP connection, directly or through an outbound proxy; through a
     *               proxy the proxy resolves the server's name
     */
    public ControlClient(URI server, PrivateKey machineKey, PublicKey serverKey, Duration watchdog, SSLContext tls,
                         Dialer dialer) {
        requireKind(machineKey.kind(), KeyKind.MACHINE, "machine key");
        requireKind(serverKey.kind(), KeyKind.MACHINE, "control server key");
        this.server = server;
        DialPlan plan = DialPlan.of(server);
        this.http = new OkHttpClient.Builder()
                .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .dns(new ControlDns(plan, dialer))
                .socketFactory(new NoiseSocketFactory(plan, tls.getSocketFactory(), CAPABILITY_VERSION,
                        machineKey, serverKey, dialer))
                .connectionPool(new ConnectionPool(1, 5, TimeUnit.MINUTES))
                .connectTimeout(Duration.ofSeconds(15))
                .readTimeout(watchdog)
                .writeTimeout(Duration.ofSeconds(30))
                .retryOnConnectionFailure(true)
                .eventListener(new EventListener() {
                    @Override
                    public void connectionAcquired(Call call, Connection connection) {
                        localAddress = connection.socket().getLocalAddress();
                    }
                })
                .build();
    }

    private static void requireKind(KeyKind actual, KeyKind expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " must be a " + expected + " key, not " + actual);
        }
    }

    /**
     * {@code GET /key?v=N}: the server's Noise key. Plain HTTP or HTTPS with normal
     * certificate checks; the answer is JSON {@code {"publicKey":"mkey:…"}}.
     */
    public static PublicKey fetchServerKey(URI server, Duration timeout) throws IOException {
        return fetchServerKey(server, timeout, defaultTls());
    }

    /** As {@link #fetchServerKey(URI, Duration)}, trusting what {@code tls} trusts. */
    public static PublicKey fetchServerKey(URI server, Duration timeout, SSLContext tls) throws IOException {
        return fetchServerKey(server, timeout, tls, Dialer.direct());
    }

    /** As {@link #fetchServerKey(URI, Duration, SSLContext)}, connecting with {@code dialer} (through its proxy). */
    public static PublicKey fetchServerKey(URI server, Duration timeout, SSLContext tls, Dialer dialer)
            throws IOException {
        return ServerKeyFetch.fetch(server, timeout, tls, dialer);
    }

    public RegisterResponse register(RegisterRequest request) throws IOException {
        try (Response response = post("/machine/register", request)) {
            requireOk("POST /machine/register", response);
            return JSON.readValue(response.body().byteStream(), RegisterResponse.class);
        }
    }

    /** Opens a long poll ({@code Stream:true}); read messages until null, then close. */
    public MapStream map(MapRequest request) throws IOException {
        Call call = http.newCall(postRequest("/machine/map", request));
        // Registered before it runs: a close() from now on cancels it, body and all.
        streams.add(call);
        if (closed) {
            call.cancel();
        }
        Response response;
        try {
            response = call.execute();
            requireOk("POST /machine/map", response);
        } catch (IOException | RuntimeException e) {
            streams.remove(call);
            call.cancel();
            throw e;
        }
        return new MapStream(call, response);
    }

    /** Sends a lite update ({@code Stream:false, OmitPeers:true}); control answers with no map. */
    public void update(MapRequest request) throws IOException {
        if (request.stream() || !request.omitPeers()) {
            throw new IllegalArgumentException("a lite update has Stream:false and OmitPeers:true");
        }
        if (closed) {
            throw new IOException("POST /machine/map (update): the control client is closed");
        }
        try (Response response = post("/machine/map", request)) {
            requireOk("POST /machine/map (update)", response);
        } finally {
            if (closed) {
                // close() came while this ran: the connection it may have dialled is idle now, and
                // would otherwise keep its reader thread for the pool's keep-alive.
                http.connectionPool().evictAll();
            }
        }
    }

    private Response post(String path, Object body) throws IOException {
        return http.newCall(postRequest(path, body)).execute();
    }

    private Request postRequest(String path, Object body) throws IOException {
        int port = port(server);
        return new Request.Builder()
                .url("http://" + server.getHost() + ":" + port + path)
                .post(RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE))
                .build();
    }

    private static void requireOk(String what, Response response) throws IOException {
        if (response.code() != 200) {
            // Up to MAX_ERROR_BODY bytes, however long (or unannounced) the body is, and without
            // the zero-byte read that makes Okio wait for more (see ExactReads).
            throw new ControlHttpException(what, response.code(),
                    snippet(ExactReads.upTo(response.body().byteStream(), MAX_ERROR_BODY)));
        }
    }

    /** Control's words in an error body: escaped and bounded, as they end up in logs and state messages. */
    static String snippet(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, MAX_ERROR_BODY), java.nio.charset.StandardCharsets.UTF_8);
        return PeerText.forLog(s.strip(), PeerText.DEFAULT_MAX);
    }

    /** The JVM's default trust (its cacerts, or javax.net.ssl.trustStore). */
    public static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * The local address of the TCP connection to control (the one the last call used): when the
     * network takes it away, or moves the way out, the node closes this client and dials again.
     *
     * @return the address, or null before the first call got a connection
     */
    public InetAddress localAddress() {
        return localAddress;
    }

    /**
     * Cancels calls in flight (a blocked map read fails at once) and closes the connection;
     * a stream still open releases its connection when it is closed, and it is dropped then.
     */
    @Override
    public void close() {
        closed = true;
        streams.forEach(Call::cancel);
        http.dispatcher().cancelAll();
        http.connectionPool().evictAll();
        http.dispatcher().executorService().shutdown();
    }

    /** An open map long poll. Not thread-safe: one reader. */
    public final class MapStream implements Closeable {
        private final Call call;
        private final Response response;
        private final MapFrameReader reader;

        private MapStream(Call call, Response response) {
            this.call = call;
            this.response = response;
            this.reader = new MapFrameReader(response.body().byteStream(), JSON);
        }

        /**
         * The next message; null when control ended the stream. Blocks up to the watchdog time.
         * A message that does not decode ends the stream with a {@code ControlProtocolException}.
         */
        public MapResponse next() throws IOException {
            return reader.next();
        }

        @Override
        public void close() {
            streams.remove(call);
            response.close();
            if (closed) {
                // The client closed while this stream held the connection: drop it now that it is idle.
                http.connectionPool().evictAll();
            }
        }
    }
}
