package org.actorvs.io;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The part of libpcap the live director uses, bound with JNA direct mapping: each method is a JNI
 * native registered straight onto the C function, so a call with primitive arguments goes through
 * no Java-side conversion, reflection or allocation (pcap4j's dispatch() built a JNA callback by
 * reflection on every call, and copied every frame into a new byte[]).
 *
 * <p>Pointers are passed and returned as {@code long} addresses rather than JNA {@code Pointer}
 * objects, so the hot path ({@link #pcap_next_ex}, {@link #pcap_inject}) creates no object per
 * call. That relies on a pointer being a 64-bit integer argument of the C ABI (x86-64, AArch64),
 * which the class's initialisation checks. The library is the one pcap4j would load (its
 * system property {@value #LIB_NAME_PROPERTY} picks another, e.g. "pcap.so.0.8").
 */
final class Libpcap {
    static final String LIB_NAME_PROPERTY = "org.pcap4j.core.pcapLibName";
    static final int PCAP_ERRBUF_SIZE = 256;
    static final int DLT_EN10MB = 1;
    static final int PCAP_D_IN = 1;
    static final int PCAP_NETMASK_UNKNOWN = 0xFFFF_FFFF;
    /** struct pcap_pkthdr: struct timeval ts (two longs), bpf_u_int32 caplen, bpf_u_int32 len. */
    static final int PKTHDR_CAPLEN_OFFSET = 16;
    /** struct bpf_program: u_int bf_len, (padding), struct bpf_insn *bf_insns. */
    static final int BPF_PROGRAM_SIZE = 16;

    static {
        if (Native.POINTER_SIZE != Long.BYTES) {
            throw new UnsupportedOperationException("live capture needs a 64-bit JVM (pointers are passed as long)");
        }
        Native.register(Libpcap.class, NativeLibrary.getInstance(System.getProperty(LIB_NAME_PROPERTY, "pcap")));
    }

    private Libpcap() {
    }

    /** Binds the library now (the class's initialisation), so that a missing one fails at open, not at a read. */
    static void load() {
    }

    static native long pcap_create(String source, byte[] errbuf);

    static native int pcap_set_snaplen(long p, int snaplen);

    static native int pcap_set_promisc(long p, int promisc);

    static native int pcap_set_timeout(long p, int millis);

    static native int pcap_set_buffer_size(long p, int bytes);

    static native int pcap_set_immediate_mode(long p, int on);

    static native int pcap_activate(long p);

    static native int pcap_datalink(long p);

    static native int pcap_setdirection(long p, int direction);

    static native int pcap_setnonblock(long p, int nonblock, byte[] errbuf);

    static native int pcap_compile(long p, long program, String expression, int optimize, int netmask);

    static native int pcap_setfilter(long p, long program);

    static native void pcap_freecode(long program);

    static native int pcap_get_selectable_fd(long p);

    /** 1: a frame (*header and *data set, valid until the next call), 0: none waiting, negative: error. */
    static native int pcap_next_ex(long p, long headerOut, long dataOut);

    /** Bytes sent, or -1 (pcap_geterr says why). */
    static native int pcap_inject(long p, long buffer, long size);

    static native String pcap_geterr(long p);

    static native String pcap_statustostr(int status);

    static native void pcap_close(long p);
}
