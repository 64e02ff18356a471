package io.microlink.wireguard.tun;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Configures an interface with iproute2's {@code ip}, as wg-quick does: addresses, MTU, up,
 * routes. Failures carry ip's own message.
 */
public final class IpCommand {
    private IpCommand() {}

    /**
     * Adds an address; "replace" so one the interface already holds is not an error.
     *
     * @param dev the interface
     * @param cidr the address and prefix length, e.g. {@code 10.0.0.1/24}
     * @throws IOException if {@code ip} fails; the message is its own
     */
    public static void addAddress(String dev, String cidr) throws IOException {
        List<String> args = new ArrayList<>(List.of("addr", "replace", cidr, "dev", dev));
        if (cidr.contains(":")) {
            args.add("nodad"); // a point-to-point tunnel has no neighbours to detect duplicates with
        }
        run(args);
    }

    /**
     * Removes an address.
     *
     * @param dev the interface
     * @param cidr the address and prefix length
     * @throws IOException if {@code ip} fails; the message is its own
     */
    public static void removeAddress(String dev, String cidr) throws IOException {
        run(List.of("addr", "del", cidr, "dev", dev));
    }

    /**
     * Sets the MTU and brings the interface up.
     *
     * @param dev the interface
     * @param mtu the MTU
     * @throws IOException if {@code ip} fails; the message is its own
     */
    public static void setMtuAndUp(String dev, int mtu) throws IOException {
        run(List.of("link", "set", "dev", dev, "mtu", Integer.toString(mtu), "up"));
    }

    /**
     * Routes a prefix into the interface; "replace" so an address's own connected route is fine.
     *
     * @param dev the interface
     * @param cidr the prefix
     * @throws IOException if {@code ip} fails; the message is its own
     */
    public static void addRoute(String dev, String cidr) throws IOException {
        run(List.of(cidr.contains(":") ? "-6" : "-4", "route", "replace", cidr, "dev", dev));
    }

    private static void run(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(args);
        HostCommand.run(command);
    }
}
