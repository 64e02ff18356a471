package io.microlink.lopower.enroll;

/**
 * A TCP port of the bridge's tailnet address forwarded to a port of one device.
 *
 * @param tailnetPort the port on the bridge's tailnet addresses
 * @param device      the device's name
 * @param devicePort  the port on the device
 */
public record ForwardRecord(int tailnetPort, String device, int devicePort) {}
