package org.actorvs.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one capture thread's {@link FrameDispatcher} counted, taken at one moment: every frame read
 * from the port, the ARP and VRRP frames handed to their actors, and the frames dropped before any
 * shard saw them.
 *
 * @param port              the port's name (the interface)
 * @param ignored           frames of link protocols the director does not serve (neither IP nor ARP)
 * @param backPressureDrops frames dropped because every batch of the port was still with the shards
 * @param oversizeDrops     frames larger than a whole batch
 */
public record CaptureStats(String port, long frames, long arpFrames, long vrrpFrames, long ignored,
        long backPressureDrops, long oversizeDrops) {

    /** The dropped frames by reason, named as the metrics' {@code reason} label and the admin API name them. */
    public Map<String, Long> drops() {
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("back_pressure", backPressureDrops);
        drops.put("oversize", oversizeDrops);
        drops.put("other_link_protocol", ignored);
        return drops;
    }
}
