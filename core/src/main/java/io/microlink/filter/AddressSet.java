package io.microlink.filter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * An immutable set of IPv4 and IPv6 addresses, compiled from {@link AddressRange}s into sorted,
 * merged ranges in primitive arrays so that a lookup neither allocates nor chases pointers.
 *
 * <pre>{@code
 * AddressSet ours = AddressSet.of(AddressRange.parse("100.64.0.1/32"));
 * ours.contains(packet.destination());
 * }</pre>
 */
public final class AddressSet {
    static final AddressSet EMPTY = of(List.of());

    /** IPv4 ranges as (first, last) pairs. */
    private final long[] v4;
    /** IPv6 ranges as (firstHigh, firstLow, lastHigh, lastLow) quadruples. */
    private final long[] v6;

    private AddressSet(long[] v4, long[] v6) {
        this.v4 = v4;
        this.v6 = v6;
    }

    static AddressSet of(Collection<AddressRange> ranges) {
        return new AddressSet(merged(ranges, false), merged(ranges, true));
    }

    /**
     * The addresses of CIDR prefixes, for a check per packet that makes no {@code InetAddress}
     * (the subnet router's {@code ServedRoutes}).
     *
     * @param prefixes prefixes as text, such as {@code "10.0.0.0/8"}, without host bits
     * @return the set
     * @throws IllegalArgumentException if one is no prefix
     */
    public static AddressSet ofPrefixes(Collection<String> prefixes) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String p : prefixes) {
            ranges.addAll(AddressRange.parse(p));
        }
        return of(ranges);
    }

    boolean isEmpty() {
        return v4.length == 0 && v6.length == 0;
    }

    /**
     * Whether {@code address} is in the set.
     *
     * @param address a raw IPv4 or IPv6 address, 4 or 16 bytes
     * @return true if one of the set's ranges holds it
     */
    public boolean contains(byte[] address) {
        long high = AddressRange.high(address);
        long low = AddressRange.low(address);
        if (address.length == 4) {
            for (int i = 0; i < v4.length; i += 2) {
                if (v4[i] <= low && low <= v4[i + 1]) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < v6.length; i += 4) {
            if (AddressRange.compare(v6[i], v6[i + 1], high, low) <= 0
                    && AddressRange.compare(high, low, v6[i + 2], v6[i + 3]) <= 0) {
                return true;
            }
        }
        return false;
    }

    /** One family's ranges, sorted by first address, overlapping or adjacent ones joined. */
    private static long[] merged(Collection<AddressRange> ranges, boolean v6) {
        List<AddressRange> sorted = new ArrayList<>(ranges.stream().filter(r -> r.v6() == v6).toList());
        sorted.sort((a, b) -> AddressRange.compare(a.firstHigh(), a.firstLow(), b.firstHigh(), b.firstLow()));
        List<AddressRange> joined = new ArrayList<>();
        for (AddressRange r : sorted) {
            AddressRange last = joined.isEmpty() ? null : joined.getLast();
            if (last != null && reaches(last, r)) {
                if (AddressRange.compare(r.lastHigh(), r.lastLow(), last.lastHigh(), last.lastLow()) > 0) {
                    joined.set(joined.size() - 1, new AddressRange(v6, last.firstHigh(), last.firstLow(), r.lastHigh(), r.lastLow()));
                }
            } else {
                joined.add(r);
            }
        }
        long[] out = new long[joined.size() * (v6 ? 4 : 2)];
        int i = 0;
        for (AddressRange r : joined) {
            if (v6) {
                out[i++] = r.firstHigh();
                out[i++] = r.firstLow();
                out[i++] = r.lastHigh();
            } else {
                out[i++] = r.firstLow();
            }
            out[i++] = r.lastLow();
        }
        return out;
    }

    /** Whether {@code next}, which starts no earlier than {@code range}, overlaps it or starts right after it. */
    private static boolean reaches(AddressRange range, AddressRange next) {
        long afterLow = range.lastLow() + 1;
        long afterHigh = afterLow == 0 ? range.lastHigh() + 1 : range.lastHigh();
        boolean endsAtTop = range.lastHigh() == -1 && range.lastLow() == -1;
        return endsAtTop || AddressRange.compare(next.firstHigh(), next.firstLow(), afterHigh, afterLow) <= 0;
    }
}
