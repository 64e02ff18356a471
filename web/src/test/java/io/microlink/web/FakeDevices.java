package io.microlink.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A bridge's devices in memory: names must be lower-case words, and each gets the next address. */
final class FakeDevices implements DeviceBridge {
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3};

    private final List<Device> devices = new ArrayList<>();

    @Override
    public synchronized List<Device> devices() {
        return List.copyOf(devices);
    }

    @Override
    public synchronized Enrolled add(String name, String publicKey, String endpoint, Integer keepalive)
            throws DeviceException {
        if (!name.matches("[a-z0-9-]+")) {
            throw new DeviceException("the device name '" + name + "' is not valid");
        }
        if (devices.stream().anyMatch(d -> d.name().equals(name))) {
            throw new DeviceException("a device named '" + name + "' is enrolled already");
        }
        Device d = new Device(name, List.of("fd7a:115c:a1e0:9909::" + (devices.size() + 2)),
                publicKey == null ? "generated=" : publicKey, publicKey == null, null, 0, 0, false);
        devices.add(d);
        String config = "[Interface]\nAddress = " + d.addresses().getFirst() + "/128\n\n[Peer]\nEndpoint = "
                + (endpoint == null ? "host:51820" : endpoint) + "\n"
                + (keepalive == null ? "" : "PersistentKeepalive = " + keepalive + "\n");
        return new Enrolled(d, config, PNG);
    }

    @Override
    public synchronized void remove(String name) throws DeviceException {
        if (!devices.removeIf(d -> d.name().equals(name))) {
            throw new DeviceException("no device named '" + name + "' is enrolled");
        }
    }

    /** Marks {@code name} as having shaken hands just now and moved some bytes. */
    synchronized void handshake(String name) {
        devices.replaceAll(d -> d.name().equals(name) ? new Device(d.name(), d.addresses(), d.publicKey(),
                d.keyGenerated(), Instant.parse("2026-01-01T00:00:00Z"), 1234, 5678, true) : d);
    }
}
