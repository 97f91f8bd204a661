package org.actorvs.runtime;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.actorvs.admin.AdminCli;
import org.actorvs.config.ConfigError;
import org.actorvs.config.DirectorConfig;
import org.actorvs.config.DirectorConfigLoader;
import org.actorvs.forward.Port;
import org.actorvs.io.PacketIo;

/** A director with its admin API on a free loopback port, and ways to talk to it. */
final class AdminFixture implements AutoCloseable {
    static final Path CONFIG = Path.of("src/test/resources/replay/kernel-v1.conf");
    static final Path CAPTURE = Path.of("src/test/resources/replay/v1-run.traffic.pcap").toAbsolutePath();
    static final Path MASTER_CONFIG = Path.of("src/test/resources/sync/master-config.txt");
    static final Path MASTER_LCN = Path.of("src/test/resources/sync/master-Lcn.txt");

    final DirectorConfig config;
    final List<Port> ports;
    final Director director;
    final PacketIo io;
    final AdminServer server;
    final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    /** The CLI's answer: exit status, standard output, standard error. */
    record Run(int status, String out, String err) {
    }

    AdminFixture(Optional<String> token, java.util.function.Function<List<Port>, PacketIo> io)
            throws ConfigError, IOException {
        config = DirectorConfigLoader.load(CONFIG);
        ports = config.ports(name -> {
            throw new IllegalArgumentException(name);
        });
        this.io = io.apply(ports);
        director = Director.offline(Main.setup(config, ports, i -> config.staticNeighbours()), this.io);
        server = AdminServer.start(new DirectorConfig.Admin(InetAddress.getLoopbackAddress(), 0, token), director);
        base = "http://127.0.0.1:" + server.port();
    }

    HttpResponse<String> request(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    Run cli(String... args) {
        return cliWithInput("", Map.of(), args);
    }

    Run cliWithInput(String stdin, Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("--admin", base));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AdminCli.run(all.toArray(new String[0]),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The ipvsadm commands the kernel master ran, without "$ ipvsadm" and "[rc=0]". */
    static List<String> masterCommands() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(MASTER_CONFIG)) {
            if (line.startsWith("$ ipvsadm -A ") || line.startsWith("$ ipvsadm -a ")) {
                out.add(line.substring("$ ipvsadm ".length(), line.lastIndexOf("  [rc=")));
            }
        }
        return out;
    }

    /** The master's real {@code ipvsadm -S -n} output. */
    static String masterSave() throws IOException {
        return section(MASTER_CONFIG, "$ ipvsadm -S -n");
    }

    /** The lines after {@code heading} up to the next "$ " line, each with its newline. */
    static String section(Path file, String heading) throws IOException {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : Files.readAllLines(file)) {
            if (in && line.startsWith("$ ")) {
                break;
            }
            if (in) {
                sb.append(line).append('\n');
            }
            in |= line.startsWith(heading);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        server.close();
        director.close();
    }
}
