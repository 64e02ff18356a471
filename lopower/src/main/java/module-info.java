/**
 * The LOPOWER bridge: plain-WireGuard devices reach the tailnet through a tailnet node of the
 * bridge's own. {@link io.microlink.lopower.LopowerBridge} runs it, {@link io.microlink.lopower.Enrollment}
 * enrolls devices; everything else is internal.
 */
module io.microlink.lopower {
    requires transitive io.microlink.core;
    requires io.microlink.wireguard;
    requires io.microlink.crypto;
    requires com.google.zxing;
    requires java.desktop;
    requires com.fasterxml.jackson.databind;

    exports io.microlink.lopower;

    opens io.microlink.lopower.enroll to com.fasterxml.jackson.databind;
}
