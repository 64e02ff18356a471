package io.microlink.lopower.enroll;

/**
 * One enrolled device as the registry file keeps it.
 *
 * @param name       the name it was enrolled by (a DNS label)
 * @param publicKey  its WireGuard public key, base64
 * @param privateKey its private key, base64, when the bridge generated the pair (so that its
 *                   configuration can be shown again); null when the device keeps its own
 * @param host       its host number in the address plan (2 and up)
 * @param endpoint   the bridge's endpoint written into its configuration (host:port)
 * @param keepalive  PersistentKeepalive seconds in its configuration, 0 for none
 * @param created    when it was enrolled (ISO-8601)
 */
public record DeviceRecord(String name, String publicKey, String privateKey, int host, String endpoint,
                           int keepalive, String created) {
    /** Never the private key: records end up in logs and test output. */
    @Override
    public String toString() {
        return "DeviceRecord[" + name + ", " + publicKey + ", host " + host + "]";
    }
}
