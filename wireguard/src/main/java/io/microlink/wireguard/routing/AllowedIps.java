package io.microlink.wireguard.routing;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cryptokey routing (whitepaper §2): a longest-prefix-match table from IP prefixes to peers,
 * one binary trie per address family. Inserting a prefix that exists moves it to the new value,
 * as {@code wg set ... allowed-ips} does. Lookups are lock-free and allocation-free; writers are
 * serialised and publish through volatile fields, so a lookup sees the old or the new route.
 *
 * <pre>{@code
 * AllowedIps<String> table = new AllowedIps<>();
 * table.insert(InetAddress.getByName("10.0.0.0"), 8, "peer-a");
 * table.lookup(packetBytes, 16, 4); // "peer-a" for a destination in 10/8
 * }</pre>
 *
 * @param <T> what a prefix routes to (a peer)
 */
public final class AllowedIps<T> {
    private static final class Node<T> {
        volatile Node<T> zero;
        volatile Node<T> one;
        volatile T value;
    }

    private final Node<T> v4 = new Node<>();
    private final Node<T> v6 = new Node<>();

    /** An empty table. */
    public AllowedIps() {}

    /**
     * Routes {@code address/prefixLength} to {@code value}; host bits beyond the prefix are ignored.
     *
     * @param address the prefix's address
     * @param prefixLength its length in bits
     * @param value what it routes to
     */
    public synchronized void insert(InetAddress address, int prefixLength, T value) {
        Objects.requireNonNull(value);
        byte[] a = address.getAddress();
        if (prefixLength < 0 || prefixLength > a.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + address);
        }
        Node<T> node = a.length == 4 ? v4 : v6;
        for (int i = 0; i < prefixLength; i++) {
            boolean bit = bit(a, 0, i);
            Node<T> next = bit ? node.one : node.zero;
            if (next == null) {
                next = new Node<>();
                if (bit) {
                    node.one = next;
                } else {
                    node.zero = next;
                }
            }
            node = next;
        }
        node.value = value;
    }

    /**
     * Removes every prefix routed to {@code value}. Empty branches stay; they are cheap.
     *
     * @param value the value whose prefixes go
     */
    public synchronized void removeAll(T value) {
        removeAll(v4, value);
        removeAll(v6, value);
    }

    private void removeAll(Node<T> node, T value) {
        if (node == null) {
            return;
        }
        if (value.equals(node.value)) {
            node.value = null;
        }
        removeAll(node.zero, value);
        removeAll(node.one, value);
    }

    /**
     * Longest-prefix match of the address of {@code length} bytes (4 or 16) at {@code off}.
     * Returns null when no prefix covers it.
     *
     * @param buf the buffer holding the address
     * @param off where it starts
     * @param length 4 or 16
     * @return the value, or null
     */
    public T lookup(byte[] buf, int off, int length) {
        Node<T> node = length == 4 ? v4 : v6;
        T best = node.value;
        int bits = length * 8;
        for (int i = 0; i < bits && node != null; i++) {
            node = bit(buf, off, i) ? node.one : node.zero;
            if (node != null) {
                T v = node.value;
                if (v != null) {
                    best = v;
                }
            }
        }
        return best;
    }

    /**
     * Longest-prefix match of {@code address}.
     *
     * @param address the address
     * @return the value, or null
     */
    public T lookup(InetAddress address) {
        byte[] a = address.getAddress();
        return lookup(a, 0, a.length);
    }

    /**
     * The prefixes routed to {@code value}, as "address/length" strings, for status output.
     *
     * @param value the value
     * @return its prefixes
     */
    public synchronized List<String> prefixesOf(T value) {
        List<String> out = new ArrayList<>();
        collect(v4, new byte[4], 0, value, out);
        collect(v6, new byte[16], 0, value, out);
        return out;
    }

    private void collect(Node<T> node, byte[] addr, int depth, T value, List<String> out) {
        if (node == null) {
            return;
        }
        if (value.equals(node.value)) {
            try {
                out.add(InetAddress.getByAddress(addr.clone()).getHostAddress() + "/" + depth);
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        if (depth == addr.length * 8) {
            return;
        }
        collect(node.zero, addr, depth + 1, value, out);
        addr[depth / 8] |= (byte) (0x80 >>> (depth % 8));
        collect(node.one, addr, depth + 1, value, out);
        addr[depth / 8] &= (byte) ~(0x80 >>> (depth % 8));
    }

    private static boolean bit(byte[] a, int off, int i) {
        return (a[off + (i >>> 3)] & (0x80 >>> (i & 7))) != 0;
    }
}
