package io.microlink.lopower;

/**
 * Tailnet to device: TCP connections to {@code tailnetPort} of the bridge's tailnet addresses
 * go on to {@code devicePort} of the device named {@code device}.
 */
public record PortForward(int tailnetPort, String device, int devicePort) {}
