package org.actorvs.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.actorvs.admin.AdminModel.Listing;
import org.actorvs.admin.AdminModel.Service;
import org.actorvs.admin.IpvsadmCommand.ListOption;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * ipvsadm for a running ActorVS director: the same command line (parsed here by
 * {@link IpvsadmCommandLine}, so syntax errors never reach the daemon), carried to the daemon's
 * admin API, and ipvsadm's output and exit status — 0 done, 1 the director refused or cannot be
 * reached, 2 a command line ipvsadm would refuse.
 *
 * <p>Where: {@code --admin URL} (anywhere on the line), else {@code $ACTORVS_ADMIN}, else
 * http://127.0.0.1:9080. Token: {@code $ACTORVS_ADMIN_TOKEN}, sent as a bearer token.
 */
public final class AdminCli {
    static final String DEFAULT_ADMIN = "http://127.0.0.1:9080";
    static final String PROGRAM = "actorvsadm";
    /** Connections per request when listing the whole table. */
    static final int PAGE = 50_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String USAGE = String.join("\n",
            PROGRAM + " (ActorVS): ipvsadm's commands for the ActorVS director",
            "Usage:",
            "  " + PROGRAM + " -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]",
            "  " + PROGRAM + " -D virtual-service",
            "  " + PROGRAM + " -C",
            "  " + PROGRAM + " -R",
            "  " + PROGRAM + " -S [-n]",
            "  " + PROGRAM + " -a|e virtual-service -r server-address [options]",
            "  " + PROGRAM + " -d virtual-service -r server-address",
            "  " + PROGRAM + " -L|l [virtual-service] [options]",
            "  " + PROGRAM + " -Z [virtual-service]",
            "  " + PROGRAM + " --set tcp tcpfin udp",
            "  " + PROGRAM + " --start-daemon {master|backup} [daemon-options]",
            "  " + PROGRAM + " --stop-daemon {master|backup}",
            "  " + PROGRAM + " -h",
            "Daemon options: --mcast-interface IF (default eth0), --syncid N, --sync-maxlen N, --mcast-group G,"
                    + " --mcast-port P, --mcast-ttl T.",
            "The daemon: --admin URL or $ACTORVS_ADMIN (default " + DEFAULT_ADMIN + "); token $ACTORVS_ADMIN_TOKEN.",
            "");

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final PrintStream out;

    private AdminCli(URI base, String token, PrintStream out) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.token = token;
        this.out = out;
    }

    /** The reply of the daemon to a request that failed; its message is ipvsadm's. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err, System.getenv());
    }

    /** As {@link #run(String[], PrintStream, PrintStream)} with standard input and environment given. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String admin = env.getOrDefault("ACTORVS_ADMIN", DEFAULT_ADMIN);
        for (int i = 0; i < rest.size(); i++) {
            if (rest.get(i).equals("--admin") || rest.get(i).startsWith("--admin=")) {
                if (rest.get(i).equals("--admin") && i + 1 == rest.size()) {
                    err.println("`--admin': missing value (expected the daemon's URL, e.g. " + DEFAULT_ADMIN + ")");
                    return 2;
                }
                admin = rest.get(i).equals("--admin") ? rest.remove(i + 1) : rest.get(i).substring("--admin=".length());
                rest.remove(i--);
            }
        }
        URI base;
        try {
            base = URI.create(admin.endsWith("/") ? admin.substring(0, admin.length() - 1) : admin);
            if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
                throw new IllegalArgumentException("not an http:// URL");
            }
        } catch (IllegalArgumentException e) {
            err.println("`--admin " + admin + "': " + e.getMessage() + " (expected e.g. " + DEFAULT_ADMIN + ")");
            return 2;
        }
        IpvsadmCommand command;
        try {
            command = IpvsadmCommandLine.parse(rest);
        } catch (IpvsadmSyntaxException e) {
            err.println(e.getMessage());
            err.println("Try `" + PROGRAM + " -h' or '" + PROGRAM + " --help' for more information.");
            return 2;
        }
        AdminCli cli = new AdminCli(base, env.get("ACTORVS_ADMIN_TOKEN"), out);
        try {
            return cli.execute(command, rest, in);
        } catch (Refused e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("Can't reach the ActorVS director at " + base + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            err.println("Is the daemon (actorvs run) running, with its admin API at --admin or $ACTORVS_ADMIN?");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("interrupted");
            return 1;
        }
    }

    private int execute(IpvsadmCommand command, List<String> args, InputStream in)
            throws IOException, InterruptedException, Refused {
        if (command instanceof IpvsadmCommand.RuleEdit) {
            send("POST", "/api/commands", String.join(" ", args));
        } else if (command instanceof IpvsadmCommand.List list) {
            list(list);
        } else if (command instanceof IpvsadmCommand.Save) {
            out.print(send("GET", "/api/rules", null));
        } else if (command instanceof IpvsadmCommand.Restore) {
            send("POST", "/api/rules?mode=restore", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } else if (command instanceof IpvsadmCommand.Zero z) {
            send("POST", "/api/zero", z.service().map(IpvsadmRules::selector).orElse(""));
        } else if (command instanceof IpvsadmCommand.SetTimeouts t) {
            send("PUT", "/api/timeouts", JSON.writeValueAsString(new AdminModel.Timeouts(t.tcp(), t.tcpFin(), t.udp())));
        } else if (command instanceof IpvsadmCommand.StartDaemon d) {
            // 0 and an empty group mean "not given": the director's defaults are the kernel's
            send("POST", "/api/sync/start", JSON.writeValueAsString(new AdminModel.SyncDaemon(role(d.state()),
                    d.mcastInterface(), d.syncId(), null, given(d.syncMaxlen()),
                    d.mcastGroup().map(AddressText::format).orElse(null), given(d.mcastPort()), given(d.mcastTtl()))));
        } else if (command instanceof IpvsadmCommand.StopDaemon d) {
            send("POST", "/api/sync/stop", JSON.writeValueAsString(new AdminModel.SyncStop(role(d.state()))));
        } else if (command instanceof IpvsadmCommand.Help) {
            out.print(USAGE);
        } else if (command instanceof IpvsadmCommand.Version) {
            out.println(PROGRAM + " (ActorVS), ipvsadm 1.31 syntax (IPVS v" + "1.2.1" + ")");
        }
        return 0;
    }

    private void list(IpvsadmCommand.List list) throws IOException, InterruptedException, Refused {
        Set<ListOption> o = list.options();
        if (o.contains(ListOption.DAEMON)) {
            out.print(IpvsadmListing.daemons(get("/api/sync", AdminModel.Sync.class).daemons()));
            return;
        }
        if (o.contains(ListOption.TIMEOUT)) {
            out.print(IpvsadmListing.timeouts(get("/api/timeouts", AdminModel.Timeouts.class)));
            return;
        }
        if (o.contains(ListOption.CONNECTION)) {
            out.print(IpvsadmListing.connectionHeader(o.contains(ListOption.PERSISTENT_CONN)));
            for (int offset = 0;; offset += PAGE) {
                AdminModel.Connections page = get("/api/connections?offset=" + offset + "&limit=" + PAGE,
                        AdminModel.Connections.class);
                page.connections().forEach(c -> out.println(IpvsadmListing.connection(c)));
                if (page.connections().size() < PAGE) {
                    return;
                }
            }
        }
        boolean stats = o.contains(ListOption.STATS) || o.contains(ListOption.RATE);
        Listing listing = get((stats ? "/api/stats" : "/api/services") + (o.contains(ListOption.NOSORT) ? "?nosort" : ""),
                Listing.class);
        Optional<Service> only = Optional.empty();
        if (list.service().isPresent()) {
            String selector = IpvsadmRules.selector(list.service().get());
            only = Optional.of(listing.services().stream().filter(s -> s.selector().equals(selector)).findFirst()
                    .orElseThrow(() -> new Refused("No such service")));
        }
        out.print(IpvsadmListing.services(listing, o, only));
    }

    private static String role(IpvsadmCommand.DaemonState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static Integer given(int value) {
        return value == 0 ? null : value;
    }

    private <T> T get(String path, Class<T> type) throws IOException, InterruptedException, Refused {
        return JSON.readValue(send("GET", path, null), type);
    }

    /** The body of a 2xx answer; otherwise the daemon's {@code error} as a {@link Refused}. */
    private String send(String method, String path, String body) throws IOException, InterruptedException, Refused {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            r.header("Content-Type", body.startsWith("{") ? "application/json" : "text/plain; charset=utf-8");
        }
        if (token != null && !token.isEmpty()) {
            r.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            throw new Refused(errorMessage(response));
        }
        return response.body();
    }

    private static String errorMessage(HttpResponse<String> response) {
        try {
            AdminModel.Error e = JSON.readValue(response.body(), AdminModel.Error.class);
            if (e.error() != null) {
                return e.error();
            }
        } catch (IOException e) {
            // not our daemon's JSON: say what came back instead
        }
        String text = response.body().substring(0, Math.min(200, response.body().length()));
        return "the director answered HTTP " + response.statusCode() + ": " + text.replaceAll("\\p{Cntrl}", " ");
    }
}
