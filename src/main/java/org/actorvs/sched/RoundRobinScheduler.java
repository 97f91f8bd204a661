package org.actorvs.sched;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.actorvs.service.Destination;

/**
 * rr: the next usable destination after the last one chosen, wrapping over the list head
 * (ip_vs_rr_schedule()). The cursor is shared by all shards and guarded by the scheduler's lock, as the
 * kernel guards svc->sched_data with svc->sched_lock.
 */
final class RoundRobinScheduler implements Scheduler {
    /** Cursor value meaning "the list head": the walk starts at the first destination. */
    static final int HEAD = -1;

    private Destination[] dests;
    private int cursor = HEAD;

    RoundRobinScheduler(final List<Destination> initial) {
        dests = Selection.snapshot(initial);
    }

    @Override
    public synchronized Destination schedule(final Flow flow) {
        final Destination[] current = dests;
        final int n = current.length;
        for (int step = 1; step <= n; step++) {
            final int index = (cursor + step) % n;
            final Destination dest = current[index];
            if (Selection.usable(dest)) {
                cursor = index;
                return dest;
            }
        }
        return null;
    }

    /**
     * The cursor stays on its destination when others are added or edited (rr has no add/upd hook).
     * When its destination is removed it moves to the destination before it, or to the head
     * (ip_vs_rr_del_dest()), so the walk continues where it would have.
     */
    @Override
    public synchronized void update(final List<Destination> destinations) {
        final Destination[] next = Selection.snapshot(destinations);
        cursor = survivingPosition(dests, cursor, next);
        dests = next;
    }

    static int survivingPosition(final Destination[] old, final int cursor, final Destination[] next) {
        if (cursor == HEAD) {
            return HEAD;
        }
        final Map<Destination, Integer> positions = new IdentityHashMap<>(next.length * 2);
        for (int i = 0; i < next.length; i++) {
            positions.put(next[i], i);
        }
        for (int i = cursor; i >= 0; i--) {
            final Integer position = positions.get(old[i]);
            if (position != null) {
                return position;
            }
        }
        return HEAD;
    }

    @Override
    public String name() {
        return "rr";
    }
}
