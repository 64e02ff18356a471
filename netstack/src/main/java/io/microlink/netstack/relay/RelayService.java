package io.microlink.netstack.relay;

import io.microlink.netstack.DroppedInput;
import io.microlink.netstack.EventCounters;
import io.microlink.netstack.socket.Netstack;
import io.microlink.netstack.tcp.TcpConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Makes a {@link Netstack} a router that terminates what it is sent for addresses not its own
 * and carries it on through a {@link RelayTarget}: TCP ({@link Netstack#listenAnyAddress}), UDP
 * flows ({@link Netstack#interceptUdp}) and ICMP echo ({@link Netstack#interceptEcho}). What may
 * reach the stack at all (which destinations, from whom) is the caller's to decide before it
 * hands the stack a packet; the service bounds what each owner and all of them hold
 * ({@link RelayLimits}) and counts what it refused ({@link RelayEvent}).
 *
 * <pre>{@code
 * RelayService relay = RelayService.start(stack, peerOf::apply, new OsRelayTarget(), RelayLimits.DEFAULTS);
 * relay.counters();   // {tcp_connections_relayed=3, refused_tcp_limit=1}
 * relay.close();      // stops relaying, closes every relayed connection and flow
 * }</pre>
 */
public final class RelayService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RelayService.class.getName());
    /** How often idle connections and flows are looked for. */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final Netstack stack;
    private final EventCounters<RelayEvent> counters = new EventCounters<>(RelayEvent.class);
    private final TcpRelay tcp;
    private final UdpRelay udp;
    private final Thread timer;
    private final DroppedInput timerDrops = new DroppedInput(LOG, "relay timer run");

    private RelayService(Netstack stack, Function<InetAddress, Object> ownerOf, RelayTarget target,
                         RelayLimits limits) throws IOException {
        this.stack = stack;
        this.tcp = new TcpRelay(stack.listenAnyAddress(TcpConfig.defaults().maxHalfOpen(),
                limits.halfOpenPerSource()), ownerOf, target, limits, counters);
        this.udp = new UdpRelay(ownerOf, target, limits, counters);
        stack.interceptUdp(udp);
        stack.interceptEcho(new EchoRelay(target, limits, counters));
        this.timer = Thread.ofVirtual().name("microlink-relay-timer").start(this::expireLoop);
    }

    /**
     * Starts relaying on {@code stack}.
     *
     * @param stack   the stack whose foreign-address traffic is relayed
     * @param ownerOf the owner a client's address counts against (its peer, its device), or null
     *                for an address that may not be relayed for
     * @param target  where the traffic goes on
     * @param limits  what may be held at once
     * @return the running service
     * @throws IOException a {@link java.net.BindException} if the stack relays already
     */
    public static RelayService start(Netstack stack, Function<InetAddress, Object> ownerOf, RelayTarget target,
                                     RelayLimits limits) throws IOException {
        return new RelayService(stack, ownerOf, target, limits);
    }

    private void expireLoop() {
        while (true) {
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return; // closed
            }
            for (Runnable expire : new Runnable[] {tcp::expireIdle, udp::expireIdle}) {
                try {
                    expire.run();
                } catch (RuntimeException e) {
                    timerDrops.record(e);
                }
            }
        }
    }

    /**
     * What the service did and refused so far, by lower-case event name, non-zero only.
     *
     * @return the counters
     */
    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    /**
     * One counter.
     *
     * @param e the event
     * @return how often it happened
     */
    public long count(RelayEvent e) {
        return counters.get(e);
    }

    /**
     * TCP connections and UDP flows {@code owner} holds through the relay now.
     *
     * @param owner an owner, as {@code ownerOf} names them
     * @return the count
     */
    public int relayed(Object owner) {
        return tcp.connections(owner) + udp.flows(owner);
    }

    /**
     * Closes every TCP connection and UDP flow {@code owner} holds, at once: for an owner that
     * went (a removed device), whose traffic must not run on until it times out.
     *
     * @param owner an owner, as {@code ownerOf} names them
     */
    public void closeOwner(Object owner) {
        tcp.closeOwner(owner);
        udp.closeOwner(owner);
    }

    /**
     * TCP connections and UDP flows all owners hold now.
     *
     * @return the count
     */
    public int relayed() {
        return tcp.total() + udp.total();
    }

    /** Stops relaying: foreign-address traffic is dropped again, and every relayed connection and flow is closed. */
    @Override
    public void close() {
        stack.interceptUdp(null);
        stack.interceptEcho(null);
        timer.interrupt();
        tcp.close();
        udp.close();
    }
}
