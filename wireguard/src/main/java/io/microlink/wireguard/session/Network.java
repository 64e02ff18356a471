package io.microlink.wireguard.session;

/**
 * Where the engine's output goes: the runtime implements this with a UDP socket and a TUN
 * device, tests with lists. Buffers are only valid during the call.
 */
public interface Network {
    /**
     * Sends one WireGuard message to a peer's endpoint, or to where a handshake came from.
     *
     * @param to the destination
     * @param buf the buffer holding the message
     * @param off where it starts
     * @param len its length
     */
    void send(Endpoint to, byte[] buf, int off, int len);

    /**
     * Hands one decrypted, authorised inner IP packet to the local system.
     *
     * @param buf the buffer holding the packet
     * @param off where it starts
     * @param len its length
     */
    void deliver(byte[] buf, int off, int len);
}
