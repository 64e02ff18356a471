package io.microlink.netstack.tcp;

import java.util.ArrayList;
import java.util.List;

/** Keeps what a stack reported, for tests to assert on. */
final class RecordingEvents implements TcpEvents {
    final List<TcpConnection> connected = new ArrayList<>();
    final List<TcpConnection> closed = new ArrayList<>();
    int readable;
    int writable;
    int acceptable;

    @Override
    public void connected(TcpConnection c) {
        connected.add(c);
    }

    @Override
    public void readable(TcpConnection c) {
        readable++;
    }

    @Override
    public void writable(TcpConnection c) {
        writable++;
    }

    @Override
    public void closed(TcpConnection c) {
        closed.add(c);
    }

    @Override
    public void acceptable(TcpListener l) {
        acceptable++;
    }
}
