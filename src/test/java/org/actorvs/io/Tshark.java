package org.actorvs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.actorvs.lab.LabHost;

/** Reads pcap files with tshark, the independent check that what we write is what we meant. */
final class Tshark {
    private Tshark() {
    }

    /** One line per frame, the fields tab-separated. */
    static String fields(Path pcap, String... fields) {
        LabHost.requireTool("/usr/bin/tshark");
        final List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-T", "fields"));
        for (String f : fields) {
            command.add("-e");
            command.add(f);
        }
        final LabHost.Result r = LabHost.run(command, 60);
        assertEquals(0, r.exitCode(), r.output());
        // tshark may warn on stderr (running as root); keep only the frame lines.
        final StringBuilder lines = new StringBuilder();
        for (String line : r.output().split("\n")) {
            if (!line.startsWith("Running as user") && !line.contains("tshark:")) {
                lines.append(line).append('\n');
            }
        }
        return lines.toString();
    }
}
