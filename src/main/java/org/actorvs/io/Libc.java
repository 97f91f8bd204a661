package org.actorvs.io;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few libc calls the live capture waits with, bound with JNA direct mapping (see
 * {@link Libpcap} for why pointers are {@code long}): poll(2) so an idle port sleeps in the kernel
 * until a frame or the poll interval, and an eventfd that close() signals to wake every poller.
 * Used only after {@link Libpcap} loaded, which checks the pointer size for both.
 */
final class Libc {
    static final short POLLIN = 0x1;
    /** struct pollfd: int fd, short events, short revents. */
    static final int POLLFD_SIZE = 8;
    static final int POLLFD_EVENTS_OFFSET = 4;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    static {
        Native.register(Libc.class, Platform.C_LIBRARY_NAME);
    }

    private Libc() {
    }

    /** Binds libc now (the class's initialisation). */
    static void load() {
    }

    /** The number of ready descriptors, 0 on timeout, -1 on error (EINTR included). */
    static native int poll(long fds, long nfds, int timeoutMillis);

    static native int eventfd(int initval, int flags);

    static native long write(int fd, long buffer, long count);

    static native int close(int fd);
}
