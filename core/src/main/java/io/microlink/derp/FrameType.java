package io.microlink.derp;

/** DERP frame types (protocol version 2). Unknown types are skipped, never fatal. */
public final class FrameType {
    public static final int SERVER_KEY = 0x01;
    public static final int CLIENT_INFO = 0x02;
    public static final int SERVER_INFO = 0x03;
    public static final int SEND_PACKET = 0x04;
    public static final int RECV_PACKET = 0x05;
    public static final int KEEP_ALIVE = 0x06;
    public static final int NOTE_PREFERRED = 0x07;
    public static final int PEER_GONE = 0x08;
    public static final int PEER_PRESENT = 0x09;
    public static final int PING = 0x12;
    public static final int PONG = 0x13;
    public static final int HEALTH = 0x14;
    public static final int RESTARTING = 0x15;

    private FrameType() {}
}
