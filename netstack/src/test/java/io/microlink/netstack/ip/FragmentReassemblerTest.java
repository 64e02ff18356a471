package io.microlink.netstack.ip;

import static io.microlink.netstack.NetstackVectors.bytes;
import static io.microlink.netstack.NetstackVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.microlink.netstack.NetstackVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fragments and datagrams are the ones gVisor's header package encoded (tools/netvectors). */
class FragmentReassemblerTest {
    private static final long SECOND = 1_000_000_000L;

    private static JsonNode vector(int family) {
        return NetstackVectors.get("fragmented").get(family == 4 ? 0 : 1);
    }

    private static List<IpPacket> fragments(int family) throws Exception {
        List<IpPacket> out = new ArrayList<>();
        for (JsonNode f : vector(family).path("fragments")) {
            byte[] b = NetstackVectors.bytes(f.asText());
            IpPacket p = IpPacket.parse(b, 0, b.length);
            assertThat(p.isFragment()).isTrue();
            out.add(p);
        }
        assertThat(out).hasSize(3);
        return out;
    }

    private static String datagram(int family) {
        return hex(bytes(vector(family), "datagram"));
    }

    /** The same fragment claiming another identification or offset. */
    private static IpPacket with(IpPacket p, int id, int offset) {
        return new IpPacket(p.version(), p.source(), p.destination(), p.protocol(), p.hopLimit(), p.buffer(), p.offset(),
                p.length(), p.payloadOffset(), p.payloadLength(), id, offset, p.moreFragments());
    }

    private static Optional<IpPacket> feed(FragmentReassembler r, List<IpPacket> fragments, long now) {
        Optional<IpPacket> last = Optional.empty();
        for (IpPacket f : fragments) {
            assertThat(last).as("complete before the last fragment").isEmpty();
            last = r.accept(f, now);
        }
        return last;
    }

    private static String whole(Optional<IpPacket> p) {
        assertThat(p).isPresent();
        return hex(java.util.Arrays.copyOfRange(p.get().buffer(), p.get().offset(), p.get().offset() + p.get().length()));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void inOrderFragmentsGiveGvisorsDatagram(int family) throws Exception {
        FragmentReassembler r = new FragmentReassembler();
        Optional<IpPacket> p = feed(r, fragments(family), 0);
        assertThat(whole(p)).isEqualTo(datagram(family));
        assertThat(p.get().protocol()).isEqualTo(IpProtocol.UDP);
        assertThat(p.get().isFragment()).isFalse();
        assertThat(r.pendingDatagrams()).isZero();
        assertThat(r.pendingBytes()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void anyOrderGivesTheSameDatagram(int family) throws Exception {
        List<IpPacket> f = fragments(family);
        for (int[] order : new int[][] {{2, 1, 0}, {1, 2, 0}, {0, 2, 1}, {2, 0, 1}, {1, 0, 2}}) {
            FragmentReassembler r = new FragmentReassembler();
            Optional<IpPacket> p = feed(r, List.of(f.get(order[0]), f.get(order[1]), f.get(order[2])), 0);
            assertThat(whole(p)).isEqualTo(datagram(family));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void exactDuplicatesAreDroppedAndTheDatagramStillCompletes(int family) throws Exception {
        List<IpPacket> f = fragments(family);
        FragmentReassembler r = new FragmentReassembler();
        Optional<IpPacket> p = feed(r, List.of(f.get(1), f.get(1), f.get(2), f.get(2), f.get(1), f.get(0)), 0);
        assertThat(whole(p)).isEqualTo(datagram(family));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void anOverlapDiscardsTheWholeDatagramAndItsLaterFragments(int family) throws Exception {
        List<IpPacket> f = fragments(family);
        IpPacket shifted = with(f.get(1), f.get(1).fragmentId(), f.get(1).fragmentOffset() + 8);
        FragmentReassembler r = new FragmentReassembler();
        assertThat(feed(r, List.of(f.get(0), f.get(1), shifted, f.get(2)), 0)).isEmpty();
        assertThat(r.pendingBytes()).as("the discarded datagram holds nothing").isZero();
        assertThat(feed(r, f, 0)).as("RFC 5722: its fragments are discarded until it times out").isEmpty();
        assertThat(whole(feed(r, f, FragmentReassembler.TIMEOUT_NANOS))).isEqualTo(datagram(family));
    }

    @Test
    void sameOffsetWithOtherDataIsAnOverlap() throws Exception {
        List<IpPacket> f = fragments(4);
        byte[] changed = java.util.Arrays.copyOfRange(f.get(1).buffer(), 0, f.get(1).length());
        changed[changed.length - 1] ^= 1;
        IpPacket forged = new IpPacket(4, f.get(1).source(), f.get(1).destination(), IpProtocol.UDP, 64, changed, 0,
                changed.length, 20, changed.length - 20, f.get(1).fragmentId(), f.get(1).fragmentOffset(), true);
        FragmentReassembler r = new FragmentReassembler();
        assertThat(feed(r, List.of(f.get(1), forged, f.get(0), f.get(2)), 0)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void aDatagramNotCompleteWithinSixtySecondsIsDropped(int family) throws Exception {
        List<IpPacket> f = fragments(family);
        FragmentReassembler r = new FragmentReassembler();
        r.accept(f.get(0), 5 * SECOND);
        r.accept(f.get(1), 6 * SECOND);
        assertThat(r.accept(f.get(2), 65 * SECOND)).isEmpty();
        assertThat(r.pendingDatagrams()).as("the late fragment starts afresh").isEqualTo(1);

        FragmentReassembler inTime = new FragmentReassembler();
        inTime.accept(f.get(0), 5 * SECOND);
        inTime.accept(f.get(1), 6 * SECOND);
        assertThat(whole(inTime.accept(f.get(2), 65 * SECOND - 1))).isEqualTo(datagram(family));
    }

    @Test
    void pastTheDatagramBoundTheOldestIsDropped() throws Exception {
        List<IpPacket> f = fragments(6);
        FragmentReassembler r = new FragmentReassembler(2, FragmentReassembler.DEFAULT_MAX_BYTES);
        for (int id = 1; id <= 3; id++) {
            r.accept(with(f.get(0), id, 0), id);
        }
        assertThat(r.pendingDatagrams()).isEqualTo(2);
        assertThat(r.accept(with(f.get(1), 1, f.get(1).fragmentOffset()), 10)).isEmpty();
        assertThat(r.accept(with(f.get(2), 1, f.get(2).fragmentOffset()), 10)).as("id 1 was dropped").isEmpty();
        assertThat(r.accept(with(f.get(1), 3, f.get(1).fragmentOffset()), 10)).isEmpty();
        assertThat(r.accept(with(f.get(2), 3, f.get(2).fragmentOffset()), 10)).isPresent();
    }

    @Test
    void pastTheByteBoundTheOldestIsDroppedAndTheBoundHolds() throws Exception {
        List<IpPacket> f = fragments(4);
        int bound = 3000;
        FragmentReassembler r = new FragmentReassembler(64, bound);
        r.accept(with(f.get(0), 1, 0), 0);
        r.accept(with(f.get(1), 1, f.get(1).fragmentOffset()), 0);
        r.accept(with(f.get(0), 2, 0), 0);
        assertThat(r.pendingBytes()).isLessThanOrEqualTo(bound);
        assertThat(r.accept(with(f.get(2), 1, f.get(2).fragmentOffset()), 0)).as("id 1 made room for id 2").isEmpty();
    }

    @Test
    void aFloodOfFragmentsStaysWithinBothBounds() throws Exception {
        List<IpPacket> f = fragments(4);
        FragmentReassembler r = new FragmentReassembler(16, 64 * 1024);
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            IpPacket base = f.get(random.nextInt(2));
            r.accept(with(base, random.nextInt(), random.nextInt(40) * 1256), i * 1000L);
            assertThat(r.pendingDatagrams()).isLessThanOrEqualTo(16);
            assertThat(r.pendingBytes()).isBetween(0, 64 * 1024);
        }
        assertThat(whole(feed(r, f, 30_000_000L))).isEqualTo(datagram(4));
    }

    @Test
    void aDatagramLargerThan65535BytesIsDiscarded() throws Exception {
        List<IpPacket> f = fragments(4);
        FragmentReassembler r = new FragmentReassembler();
        r.accept(f.get(0), 0);
        IpPacket beyond = with(f.get(1), f.get(1).fragmentId(), 65528);
        assertThat(r.accept(beyond, 0)).isEmpty();
        assertThat(r.pendingBytes()).isZero();
        assertThat(feed(r, f, 0)).isEmpty();
    }

    @Test
    void aMiddleFragmentNotAMultipleOfEightIsIgnoredAlone() throws Exception {
        List<IpPacket> f = fragments(6);
        IpPacket m = f.get(1);
        IpPacket ragged = new IpPacket(6, m.source(), m.destination(), m.protocol(), m.hopLimit(), m.buffer(), m.offset(),
                m.length() - 1, m.payloadOffset(), m.payloadLength() - 1, m.fragmentId(), m.fragmentOffset(), true);
        FragmentReassembler r = new FragmentReassembler();
        assertThat(r.accept(ragged, 0)).isEmpty();
        assertThat(whole(feed(r, f, 0))).isEqualTo(datagram(6));
    }

    @Test
    void refusesWholePacketsAndNonsenseBounds() throws Exception {
        byte[] b = bytes(NetstackVectors.get("udp").get(0), "packet");
        IpPacket whole = IpPacket.parse(b, 0, b.length);
        assertThatThrownBy(() -> new FragmentReassembler().accept(whole, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FragmentReassembler(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
