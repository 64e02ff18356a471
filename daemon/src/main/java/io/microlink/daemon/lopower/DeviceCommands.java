package io.microlink.daemon.lopower;

import io.microlink.AddressText;
import io.microlink.StateException;
import io.microlink.daemon.cli.CliException;
import io.microlink.lopower.EnrolledDevice;
import io.microlink.lopower.Enrollment;
import io.microlink.lopower.LopowerException;
import io.microlink.lopower.PortForward;
import io.microlink.state.PrivateFiles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * {@code microlink lopower devices ...} and {@code forwards ...}: enroll, list, show and remove
 * the bridge's devices, printing configurations and QR codes, and forward tailnet ports to them.
 */
public final class DeviceCommands {
    private final Enrollment enrollment;
    private final PrintStream out;

    public DeviceCommands(Enrollment enrollment, PrintStream out) {
        this.enrollment = enrollment;
        this.out = out;
    }

    /** Enrolls and prints the configuration, its QR code (unless {@code qr} is false) and writes the PNG if asked. */
    public void add(String name, String publicKey, String endpoint, int keepalive, boolean qr, Path png)
            throws CliException {
        EnrolledDevice d;
        try {
            d = enrollment.add(name, publicKey, endpoint, keepalive);
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
        print(d, qr, png);
        if (!d.keyGenerated()) {
            out.println("# add the device's own PrivateKey under [Interface]");
        }
    }

    public void show(String name, boolean qr, Path png) throws CliException {
        try {
            print(enrollment.show(name), qr, png);
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
    }

    public void list() throws CliException {
        try {
            var devices = enrollment.list();
            if (devices.isEmpty()) {
                out.println("no devices enrolled; add one with `microlink lopower devices add NAME`");
                return;
            }
            for (EnrolledDevice d : devices) {
                out.printf("%-24s %-40s %s %s%n", d.name(),
                        d.addresses().stream().map(AddressText::of).collect(Collectors.joining(",")), d.publicKey(),
                        d.keyGenerated() ? "generated" : "own-key");
            }
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
    }

    public void remove(String name) throws CliException {
        try {
            enrollment.remove(name);
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
        out.println("removed " + name + "; a running bridge drops it within a second");
    }

    public void forward(String device, PortForward.Protocol protocol, int tailnetPort, int devicePort)
            throws CliException {
        PortForward f;
        try {
            f = enrollment.forward(device, protocol, tailnetPort, devicePort);
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
        out.println("tailnet port " + f + " now; the device must have spoken to the bridge since it started"
                + " (a keep-alive makes sure)");
    }

    public void forwards() throws CliException {
        try {
            for (PortForward f : enrollment.forwards()) {
                out.println(f);
            }
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
    }

    public void unforward(PortForward.Protocol protocol, int tailnetPort) throws CliException {
        try {
            enrollment.unforward(protocol, tailnetPort);
        } catch (LopowerException e) {
            throw new CliException(e.getMessage());
        }
        out.println("tailnet port " + tailnetPort + "/" + protocol.name().toLowerCase(java.util.Locale.ROOT)
                + " is no longer forwarded");
    }

    private void print(EnrolledDevice d, boolean qr, Path png) throws CliException {
        out.print(d.config());
        if (qr) {
            out.println();
            out.print(d.qrForTerminal());
        }
        if (png != null) {
            try {
                // Owner-only: the code holds the device's private key when the bridge generated it.
                PrivateFiles.writeAtomically(png.toAbsolutePath(), d.qrPng());
            } catch (StateException e) {
                throw new CliException(e.getMessage());
            }
        }
    }
}
