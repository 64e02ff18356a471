package io.microlink.lopower.enroll;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A configuration as a QR code, which a phone's WireGuard app scans: for the terminal in
 * Unicode half blocks (two module rows per text line) and as a PNG image.
 */
public final class QrCode {
    /** Modules of light border around the code; the standard asks for 4. */
    private static final int QUIET_ZONE = 4;
    private static final int PNG_MODULE_PIXELS = 8;

    private final BitMatrix modules;

    private QrCode(BitMatrix modules) {
        this.modules = modules;
    }

    /** Encodes {@code text} (ASCII or UTF-8) with the lowest error correction, the smallest code. */
    public static QrCode of(String text) {
        try {
            // Size 0 asks for one pixel per module; the quiet zone comes from the margin hint.
            BitMatrix m = new QRCodeWriter().encode(text, com.google.zxing.BarcodeFormat.QR_CODE, 0, 0, Map.of(
                    EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.L,
                    EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name(),
                    EncodeHintType.MARGIN, QUIET_ZONE));
            return new QrCode(m);
        } catch (WriterException e) {
            throw new IllegalArgumentException("the text does not fit a QR code: " + e.getMessage());
        }
    }

    /** Modules per side, quiet zone included. */
    public int size() {
        return modules.getWidth();
    }

    /** Whether the module at column {@code x}, row {@code y} is dark. */
    public boolean dark(int x, int y) {
        return modules.get(x, y);
    }

    /**
     * The code for a terminal: light modules drawn as blocks, dark ones as blanks, so that it
     * reads on the usual dark background (as {@code qrencode -t UTF8} draws it).
     */
    public String toTerminal() {
        StringBuilder b = new StringBuilder();
        int n = size();
        for (int y = 0; y < n; y += 2) {
            for (int x = 0; x < n; x++) {
                boolean top = !dark(x, y);
                boolean bottom = y + 1 < n && !dark(x, y + 1);
                b.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : ' '));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The code as a black-on-white PNG image, {@value #PNG_MODULE_PIXELS} pixels per module. */
    public byte[] toPng() {
        int n = size();
        int px = n * PNG_MODULE_PIXELS;
        BufferedImage img = new BufferedImage(px, px, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < px; y++) {
            for (int x = 0; x < px; x++) {
                img.setRGB(x, y, dark(x / PNG_MODULE_PIXELS, y / PNG_MODULE_PIXELS) ? 0xff000000 : 0xffffffff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory", e);
        }
        return out.toByteArray();
    }
}
