package org.actorvs.conn;

import java.util.Arrays;

/**
 * Side storage for the addresses of IPv6 entries, so IPv4 entries pay for 32-bit addresses only.
 * One record holds the client, virtual and destination addresses (hi, lo each); an entry refers to
 * its record by number. Free records are chained through their first word. The pool grows by
 * doubling, only when more IPv6 entries live at once than ever before.
 */
final class Ipv6Pool {
    static final int CLIENT = 0;
    static final int VIRTUAL = 2;
    static final int DESTINATION = 4;
    private static final int LONGS_PER_RECORD = 6;
    private static final int INITIAL_RECORDS = 16;

    private final int maxRecords;
    private long[] data;
    private int high;
    private int free = -1;

    Ipv6Pool(int maxRecords) {
        this.maxRecords = maxRecords;
        this.data = new long[LONGS_PER_RECORD * Math.min(maxRecords, INITIAL_RECORDS)];
    }

    int allocate() {
        if (free >= 0) {
            int record = free;
            free = (int) data[record * LONGS_PER_RECORD];
            return record;
        }
        if ((high + 1) * LONGS_PER_RECORD > data.length) {
            int records = (int) Math.min(maxRecords, 2L * data.length / LONGS_PER_RECORD);
            data = Arrays.copyOf(data, records * LONGS_PER_RECORD);
        }
        return high++;
    }

    void release(int record) {
        data[record * LONGS_PER_RECORD] = free;
        free = record;
    }

    long get(int record, int word) {
        return data[record * LONGS_PER_RECORD + word];
    }

    void set(int record, int address, long hi, long lo) {
        int at = record * LONGS_PER_RECORD + address;
        data[at] = hi;
        data[at + 1] = lo;
    }

    long footprintBytes() {
        return 8L * data.length;
    }
}
