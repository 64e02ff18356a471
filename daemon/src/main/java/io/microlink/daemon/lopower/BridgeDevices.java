package io.microlink.daemon.lopower;

import io.microlink.AddressText;
import io.microlink.lopower.DeviceActivity;
import io.microlink.lopower.EnrolledDevice;
import io.microlink.lopower.Enrollment;
import io.microlink.lopower.LopowerBridge;
import io.microlink.lopower.LopowerException;
import io.microlink.web.DeviceBridge;
import java.util.List;
import java.util.Map;

/** The web page's Devices view over a running bridge: its registry for the devices, its engine for their activity. */
final class BridgeDevices implements DeviceBridge {
    private final LopowerBridge bridge;

    BridgeDevices(LopowerBridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public List<Device> devices() throws DeviceException {
        Map<String, DeviceActivity> activity = bridge.activity();
        try {
            return bridge.enrollment().list().stream()
                    .map(d -> device(d, activity.getOrDefault(d.name(), DeviceActivity.NONE))).toList();
        } catch (LopowerException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    @Override
    public Enrolled add(String name, String publicKey, String endpoint, Integer keepalive) throws DeviceException {
        try {
            EnrolledDevice d = bridge.enrollment().add(name, publicKey, endpoint,
                    keepalive == null ? Enrollment.DEFAULT_KEEPALIVE : keepalive);
            return new Enrolled(device(d, DeviceActivity.NONE), d.config(), d.qrPng());
        } catch (LopowerException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    @Override
    public void remove(String name) throws DeviceException {
        try {
            bridge.enrollment().remove(name);
        } catch (LopowerException e) {
            throw new DeviceException(e.getMessage());
        }
    }

    private static Device device(EnrolledDevice d, DeviceActivity a) {
        return new Device(d.name(), d.addresses().stream().map(AddressText::of).toList(), d.publicKey(),
                d.keyGenerated(), a.lastHandshake(), a.rxBytes(), a.txBytes(), a.online());
    }
}
