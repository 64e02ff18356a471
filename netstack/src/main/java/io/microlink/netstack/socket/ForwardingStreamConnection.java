package io.microlink.netstack.socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;

/**
 * A stream connection that hands every call to another, for wrappers that change only one or
 * two of them (the relay counts what is read; the LOPOWER bridge's device connections hold a
 * slot until closed): they override those and inherit the rest.
 *
 * <pre>{@code
 * StreamConnection counted = new ForwardingStreamConnection() {
 *     protected StreamConnection delegate() { return end; }
 *     public InputStream getInputStream() throws IOException { return count(end.getInputStream()); }
 * };
 * }</pre>
 */
public abstract class ForwardingStreamConnection implements StreamConnection {
    /** For subclasses. */
    protected ForwardingStreamConnection() {}

    /**
     * The connection calls go to; a subclass may set it after construction (once connected).
     *
     * @return the delegate
     */
    protected abstract StreamConnection delegate();

    @Override
    public InputStream getInputStream() throws IOException {
        return delegate().getInputStream();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return delegate().getOutputStream();
    }

    @Override
    public InetSocketAddress getRemoteSocketAddress() {
        return delegate().getRemoteSocketAddress();
    }

    @Override
    public InetSocketAddress getLocalSocketAddress() {
        return delegate().getLocalSocketAddress();
    }

    @Override
    public void setSoTimeout(int millis) throws IOException {
        delegate().setSoTimeout(millis);
    }

    @Override
    public void shutdownOutput() throws IOException {
        delegate().shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        delegate().close();
    }
}
