package io.microlink.wireguard.noise;

/**
 * Transport keys that a completed handshake yields, with the indices both sides chose.
 *
 * @param sendKey the key we encrypt with
 * @param receiveKey the key we decrypt with
 * @param localIndex the index peers address our session by
 * @param remoteIndex the index we address the peer's session by
 * @param initiator true if we sent the initiation (only the initiator may rekey on a timer)
 */
public record SessionKeys(byte[] sendKey, byte[] receiveKey, int localIndex, int remoteIndex, boolean initiator) {
    @Override
    public String toString() {
        return "SessionKeys[local=" + Integer.toUnsignedString(localIndex) + ", remote="
                + Integer.toUnsignedString(remoteIndex) + ", initiator=" + initiator + ", keys hidden]";
    }
}
