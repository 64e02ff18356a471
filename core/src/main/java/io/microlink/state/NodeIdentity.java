package io.microlink.state;

import io.microlink.key.PrivateKey;

/**
 * What a node must remember across restarts: which control server it belongs to, its
 * machine and node keys, and whether that node key is registered there.
 */
public record NodeIdentity(String controlUrl, PrivateKey machineKey, PrivateKey nodeKey, boolean registered) {
    public NodeIdentity withNodeKey(PrivateKey newNodeKey, boolean nowRegistered) {
        return new NodeIdentity(controlUrl, machineKey, newNodeKey, nowRegistered);
    }

    public NodeIdentity withRegistered(boolean nowRegistered) {
        return new NodeIdentity(controlUrl, machineKey, nodeKey, nowRegistered);
    }

    @Override
    public String toString() {
        return "NodeIdentity[control=" + controlUrl + ", machine=" + machineKey.publicKey().shortString()
                + ", node=" + nodeKey.publicKey().shortString() + ", registered=" + registered + "]";
    }
}
