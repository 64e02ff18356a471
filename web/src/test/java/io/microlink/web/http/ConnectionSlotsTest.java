package io.microlink.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ConnectionSlotsTest {
    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
    private static final InetAddress LOOPBACK_2 = InetAddress.ofLiteral("127.0.0.2");
    private static final OptionalInt OWNER = OptionalInt.of(1000);
    private static final OptionalInt OTHER_USER = OptionalInt.of(65534);
    private final List<String> evicted = new ArrayList<>();

    @Test
    void anotherLocalUsersFloodCannotPushOutTheOwnersFreshConnection() {
        ConnectionSlots slots = new ConnectionSlots(32, 8, true);
        assertThat(slots.admit(LOOPBACK, OWNER, () -> evicted.add("owner"))).isNotNull();
        for (int i = 0; i < 1000; i++) {
            assertThat(slots.admit(LOOPBACK_2, OTHER_USER, () -> evicted.add("attacker"))).isNotNull();
        }
        assertThat(evicted).hasSize(1000 - 8).containsOnly("attacker");
        assertThat(slots.size()).isEqualTo(9);
    }

    @Test
    void loopbackCallersNoOneCanTellApartShareOneAllowance() {
        ConnectionSlots slots = new ConnectionSlots(32, 8, true);
        slots.admit(LOOPBACK, OptionalInt.empty(), () -> evicted.add("first"));
        for (int i = 0; i < 8; i++) {
            slots.admit(LOOPBACK_2, OptionalInt.empty(), () -> evicted.add("later"));
        }
        assertThat(evicted).containsExactly("first");
    }

    @Test
    void aFullListenerShedsFromTheCallerHoldingMost() {
        ConnectionSlots slots = new ConnectionSlots(10, 8, true);
        slots.admit(LOOPBACK, OWNER, () -> evicted.add("owner"));
        for (int i = 0; i < 8; i++) {
            slots.admit(InetAddress.ofLiteral("100.64.0.9"), OptionalInt.empty(), () -> evicted.add("peer"));
        }
        slots.admit(LOOPBACK, OTHER_USER, () -> evicted.add("other"));
        assertThat(slots.size()).isEqualTo(10);
        assertThat(slots.admit(LOOPBACK, OTHER_USER, () -> evicted.add("other"))).isNotNull();
        assertThat(evicted).containsExactly("peer");
    }

    @Test
    void aProvenConnectionIsNeverDisplacedAndWithoutAnOwnerTestNewcomersAreRefused() {
        ConnectionSlots owned = new ConnectionSlots(2, 2, true);
        owned.admit(LOOPBACK, OWNER, () -> evicted.add("proven")).prove();
        owned.admit(LOOPBACK, OWNER, () -> evicted.add("proven")).prove();
        assertThat(owned.admit(LOOPBACK, OWNER, () -> {})).isNull();
        ConnectionSlots tailnet = new ConnectionSlots(2, 1, false);
        tailnet.admit(InetAddress.ofLiteral("100.64.0.9"), OptionalInt.empty(), () -> evicted.add("peer"));
        assertThat(tailnet.admit(InetAddress.ofLiteral("100.64.0.9"), OptionalInt.empty(), () -> {})).isNull();
        assertThat(evicted).isEmpty();
    }
}
