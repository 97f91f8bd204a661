package org.actorvs.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.actorvs.admin.IpvsadmCommand.AddDest;
import org.actorvs.admin.IpvsadmCommand.AddService;
import org.actorvs.admin.IpvsadmCommand.DaemonState;
import org.actorvs.admin.IpvsadmCommand.ListOption;
import org.actorvs.service.DestinationSpec;
import org.actorvs.service.DestinationSpec.Forward;
import org.actorvs.service.DestinationSpec.TunnelChecksum;
import org.actorvs.service.DestinationSpec.TunnelType;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceKey.Protocol;
import org.actorvs.service.ServiceSpec;
import org.junit.jupiter.api.Test;

class IpvsadmCommandLineTest {

    private static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, AddressText.parse("10.0.0.1"), 80);

    private static IpvsadmCommand parse(String line) throws IpvsadmSyntaxException {
        return IpvsadmCommandLine.parse(line.split(" "));
    }

    private static ServiceSpec service(String line) throws IpvsadmSyntaxException {
        return assertInstanceOf(AddService.class, parse(line)).spec();
    }

    private static DestinationSpec dest(String line) throws IpvsadmSyntaxException {
        return assertInstanceOf(AddDest.class, parse(line)).dest();
    }

    private static IpvsadmSyntaxException rejected(String line) {
        return assertThrows(IpvsadmSyntaxException.class, () -> parse(line));
    }

    @Test
    void addServiceTakesIpvsadmDefaults() throws Exception {
        assertEquals(ServiceSpec.of(WEB), service("-A -t 10.0.0.1:80"));
        assertEquals("wlc", service("-A -t 10.0.0.1:80").scheduler());
    }

    @Test
    void longAndShortSpellingsParseAlike() throws Exception {
        assertEquals(parse("-A -t 10.0.0.1:80 -s rr -p 30 -M 255.255.0.0"),
                parse("--add-service --tcp-service 10.0.0.1:80 --scheduler=rr --persistent=30 --netmask 255.255.0.0"));
    }

    @Test
    void bundledShortOptionsAreSplitAsPoptDoes() throws Exception {
        assertEquals(parse("-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 5"), parse("-at 10.0.0.1:80 -mr 10.0.1.1 -w5"));
    }

    @Test
    void persistentWithoutValueMeans360Seconds() throws Exception {
        assertEquals(360, service("-A -t 10.0.0.1:80 -p").persistTimeout());
        assertEquals(360, service("-A -t 10.0.0.1:80 -p -s rr").persistTimeout());
        assertEquals(600, service("-A -t 10.0.0.1:80 -p 600").persistTimeout());
    }

    @Test
    void persistenceMaskIsReadForTheServicesFamily() throws Exception {
        assertEquals(0xFFFFFF00, service("-A -t 10.0.0.1:80 -p -M 255.255.255.0").netmask());
        assertEquals(64, service("-A -t [2001:db8::1]:80 -p -M 64").netmask());
        assertEquals(48, service("-A -M 48 -f 3 -6 -p").netmask());
    }

    @Test
    void ipv6ServiceIsWrittenInBrackets() throws Exception {
        ServiceKey key = service("-A -u [2001:db8::53]:53").key();
        assertEquals(ServiceKey.of(Protocol.UDP, AddressText.parse("2001:db8::53"), 53), key);
    }

    @Test
    void sixAfterFwmarkMakesAnIpv6FwmarkService() throws Exception {
        assertEquals(ServiceKey.ofFwmark(42, true), service("-A -f 42 -6").key());
        assertEquals(ServiceKey.ofFwmark(42, true), service("-A --fwmark-service 42 --ipv6").key());
    }

    @Test
    void sixBeforeFwmarkIsRejected() {
        assertEquals("-6 used before -f", rejected("-A -6 -f 42").problem());
    }

    @Test
    void schedulerFlagsBecomeKernelBits() throws Exception {
        assertEquals(0x38, service("-A -t 10.0.0.1:80 -s rr -b flag-1,flag-2,flag-3").schedFlags());
        assertEquals(0x18, service("-A -t 10.0.0.1:80 -b sh-port,sh-fallback -s sh").schedFlags());
        assertEquals(0x18, service("-A -t 10.0.0.1:80 -s mh -b mh-fallback,mh-port").schedFlags());
    }

    @Test
    void shFlagOnAnotherSchedulerIsIncompatible() {
        IpvsadmSyntaxException e = rejected("-A -t 10.0.0.1:80 -s rr -b sh-port");
        assertEquals("-b sh-port", e.token());
        assertEquals("incompatible scheduler flag `sh-port'", e.problem());
    }

    @Test
    void unknownSchedulerFlagIsInvalid() {
        assertEquals("invalid scheduler flag `fast'", rejected("-A -t 10.0.0.1:80 -b fast").problem());
    }

    @Test
    void onePacketIsAllowedOnUdpAndFwmarkServices() throws Exception {
        assertEquals(true, service("-A -u 10.0.0.1:53 -o").onePacket());
        assertEquals(true, service("-A -f 1 --ops").onePacket());
    }

    @Test
    void onePacketOnSctpIsRejected() {
        assertEquals("-o", rejected("-A --sctp-service 10.0.0.1:3868 -o").token());
    }

    @Test
    void realServerPortDefaultsToTheServicePort() throws Exception {
        assertEquals(80, dest("-a -t 10.0.0.1:80 -r 10.0.1.1 -m").port());
        assertEquals(8080, dest("-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m").port());
    }

    @Test
    void gatewayingAndTunnelForceTheServicePort() throws Exception {
        assertEquals(80, dest("-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -g").port());
        assertEquals(80, dest("-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -i").port());
        assertEquals(80, dest("-a -t 10.0.0.1:80 -r 10.0.1.1:8080").port());
    }

    @Test
    void fwmarkRealServerKeepsItsPort() throws Exception {
        assertEquals(8080, dest("-a -f 1 -r 10.0.1.1:8080 -g").port());
        assertEquals(0, dest("-a -f 1 -r 10.0.1.1 -g").port());
    }

    @Test
    void addServerTakesIpvsadmDefaults() throws Exception {
        assertEquals(DestinationSpec.of(AddressText.parse("10.0.1.1"), 80), dest("-a -t 10.0.0.1:80 -r 10.0.1.1"));
    }

    @Test
    void editServerWithoutWeightResetsItToOneAsIpvsadmSends() throws Exception {
        IpvsadmCommand.EditDest e = assertInstanceOf(IpvsadmCommand.EditDest.class,
                parse("-e -t 10.0.0.1:80 -r 10.0.1.1 -m"));
        assertEquals(1, e.dest().weight());
        assertEquals(Forward.MASQ, e.dest().forward());
    }

    @Test
    void thresholdsAndWeightAreRead() throws Exception {
        DestinationSpec d = dest("-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 0 -x 2147483647 -y 7");
        assertEquals(List.of(0, Integer.MAX_VALUE, 7), List.of(d.weight(), d.upperThreshold(), d.lowerThreshold()));
    }

    @Test
    void tunnelTypesAndChecksumsAreRead() throws Exception {
        DestinationSpec gue = dest("-a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gue --tun-port 6080 --tun-remcsum");
        assertEquals(List.of(TunnelType.GUE, 6080, TunnelChecksum.REMCSUM),
                List.of(gue.tunnelType(), gue.tunnelPort(), gue.tunnelChecksum()));
        DestinationSpec gre = dest("-a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gre --tun-csum");
        assertEquals(List.of(TunnelType.GRE, 0, TunnelChecksum.CSUM),
                List.of(gre.tunnelType(), gre.tunnelPort(), gre.tunnelChecksum()));
        assertEquals(TunnelType.IPIP, dest("-a -t 10.0.0.1:80 -r 10.0.1.1 -i").tunnelType());
    }

    @Test
    void gueWithoutTunnelPortIsRejected() {
        assertEquals("You need to supply the 'tun-port' option for the 'gue' tunnel type",
                rejected("-a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gue").problem());
    }

    @Test
    void tunnelPortOnIpipIsIllegal() {
        assertEquals("Illegal 'tun-port' option with the 'ipip' tunnel type",
                rejected("-a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-port 6080").problem());
    }

    @Test
    void remoteChecksumOnGreIsIllegal() {
        assertEquals("Illegal 'tun-remcsum' option with the 'gre' tunnel type",
                rejected("-a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gre --tun-remcsum").problem());
    }

    @Test
    void twoChecksumModesConflict() {
        IpvsadmSyntaxException e = rejected("-a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gue --tun-port 1 --tun-csum --tun-nocsum");
        assertEquals("The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gue' tunnel type", e.problem());
    }

    @Test
    void tunnelOptionsWithMasqueradingConflict() {
        IpvsadmSyntaxException e = rejected("-a -t 10.0.0.1:80 -r 10.0.1.1 -m --tun-type ipip");
        assertEquals("--tun-type ipip", e.token());
        assertEquals("Tunnel options conflict with forward method", e.problem());
    }

    @Test
    void serverOfAnotherFamilyNeedsTunnelling() throws Exception {
        assertEquals("Different address family is allowed only for tunneling servers",
                rejected("-a -t [2001:db8::1]:80 -r 10.0.1.1 -m").problem());
        assertEquals(Forward.TUNNEL, dest("-a -t [2001:db8::1]:80 -r 10.0.1.1 -i").forward());
    }

    @Test
    void deleteServerPortDefaultsToTheServicePort() throws Exception {
        IpvsadmCommand.DeleteDest d = assertInstanceOf(IpvsadmCommand.DeleteDest.class,
                parse("-d -t 10.0.0.1:80 -r 10.0.1.1"));
        assertEquals(new IpvsadmCommand.DeleteDest(WEB, AddressText.parse("10.0.1.1"), 80), d);
    }

    @Test
    void deleteAndClearParse() throws Exception {
        assertEquals(new IpvsadmCommand.DeleteService(WEB), parse("-D -t 10.0.0.1:80"));
        assertEquals(new IpvsadmCommand.Clear(), parse("--clear"));
    }

    @Test
    void noArgumentsListsTheTable() throws Exception {
        assertEquals(new IpvsadmCommand.List(Optional.empty(), Set.of()), IpvsadmCommandLine.parse(List.of()));
    }

    @Test
    void listOptionsAreCollected() throws Exception {
        assertEquals(new IpvsadmCommand.List(Optional.of(WEB),
                        EnumSet.of(ListOption.NUMERIC, ListOption.STATS, ListOption.EXACT, ListOption.NOSORT)),
                parse("-Ln -t 10.0.0.1:80 --stats --exact --nosort --sort"));
        assertEquals(new IpvsadmCommand.List(Optional.empty(), EnumSet.of(ListOption.CONNECTION, ListOption.NUMERIC)),
                parse("-l -c -n"));
    }

    @Test
    void listingConnectionsAndAServiceConflict() {
        assertEquals("The option 'service-address' conflicts with the 'connection' option in the 'list' command",
                rejected("-L -c -t 10.0.0.1:80").problem());
    }

    @Test
    void listingTimeoutsWithStatisticsConflicts() {
        assertEquals("options conflicts in the list command", rejected("-L --timeout --stats").problem());
    }

    @Test
    void zeroSaveAndRestoreParse() throws Exception {
        assertEquals(new IpvsadmCommand.Zero(Optional.of(WEB)), parse("-Z -t 10.0.0.1:80"));
        assertEquals(new IpvsadmCommand.Zero(Optional.empty()), parse("--zero"));
        assertEquals(new IpvsadmCommand.Save(true), parse("-S -n"));
        assertEquals(new IpvsadmCommand.Restore(), parse("-R"));
    }

    @Test
    void helpAndVersionParse() throws Exception {
        assertEquals(new IpvsadmCommand.Help(), parse("-h"));
        assertEquals(new IpvsadmCommand.Version(), parse("--version"));
    }

    @Test
    void setTakesThreeTimeouts() throws Exception {
        assertEquals(new IpvsadmCommand.SetTimeouts(900, 120, 300), parse("--set 900 120 300"));
    }

    @Test
    void setWithTwoTimeoutsIsRejected() {
        assertEquals("--set option requires 3 timeout values", rejected("--set 900 120").problem());
    }

    @Test
    void startDaemonTakesItsOptionsAndDefaultsToEth0() throws Exception {
        IpvsadmCommand.StartDaemon d = assertInstanceOf(IpvsadmCommand.StartDaemon.class,
                parse("--start-daemon master --syncid 7 --sync-maxlen 1472 --mcast-group 224.0.0.81 --mcast-port 8848 --mcast-ttl 1"));
        assertEquals(new IpvsadmCommand.StartDaemon(DaemonState.MASTER, "eth0", 7, 1472,
                Optional.of(AddressText.parse("224.0.0.81")), 8848, 1), d);
        assertEquals("br0", ((IpvsadmCommand.StartDaemon) parse("--start-daemon=backup --mcast-interface br0"))
                .mcastInterface());
    }

    @Test
    void stopDaemonTakesItsState() throws Exception {
        assertEquals(new IpvsadmCommand.StopDaemon(DaemonState.BACKUP, 3), parse("--stop-daemon backup --syncid 3"));
    }

    @Test
    void daemonStateMustBeMasterOrBackup() {
        assertEquals("illegal start-daemon parameter specified", rejected("--start-daemon primary").problem());
    }

    @Test
    void unicastSyncGroupIsRejected() {
        assertEquals("invalid IPv4 mcast-group `10.0.0.1'", rejected("--start-daemon master --mcast-group 10.0.0.1").problem());
    }

    @Test
    void commandMustComeFirst() {
        IpvsadmSyntaxException e = rejected("-t 10.0.0.1:80 -A");
        assertEquals("-t 10.0.0.1:80", e.token());
        assertEquals("not a command", e.problem());
    }

    @Test
    void secondCommandIsRejected() {
        assertEquals("multiple commands specified", rejected("-A -t 10.0.0.1:80 -D").problem());
    }

    @Test
    void repeatedOptionIsRejected() {
        IpvsadmSyntaxException e = rejected("-A -t 10.0.0.1:80 -u 10.0.0.1:53");
        assertEquals("-u 10.0.0.1:53", e.token());
        assertEquals("multiple 'service-address' options specified", e.problem());
    }

    @Test
    void optionNotValidForTheCommandIsIllegal() {
        IpvsadmSyntaxException e = rejected("-D -t 10.0.0.1:80 -s rr");
        assertEquals("-s rr", e.token());
        assertEquals("Illegal 'scheduler' option with the 'delete-service' command", e.problem());
    }

    @Test
    void missingServiceIsNamedAfterTheCommand() {
        IpvsadmSyntaxException e = rejected("-A -s rr");
        assertEquals("-A", e.token());
        assertEquals("You need to supply the 'service-address' option for the 'add-service' command", e.problem());
    }

    @Test
    void unknownOptionIsNamed() {
        IpvsadmSyntaxException e = rejected("-A -t 10.0.0.1:80 -Q");
        assertEquals("-Q", e.token());
        assertEquals("unknown option", e.problem());
    }

    @Test
    void missingValueSaysWhatWasExpected() {
        IpvsadmSyntaxException e = rejected("-A -t");
        assertEquals("-t", e.token());
        assertEquals("missing argument", e.problem());
        assertEquals("ADDRESS[:PORT] with a numeric IPv4 address, or [IPv6]:PORT", e.expected());
    }

    @Test
    void strayArgumentIsUnexpected() {
        assertEquals("unexpected argument 10.0.0.2", rejected("-A -t 10.0.0.1:80 10.0.0.2").problem());
    }

    @Test
    void hostNamesAndOctalAddressesAreNotAddresses() {
        assertEquals("-t www.example.org:80", rejected("-A -t www.example.org:80").token());
        assertEquals("-t 10.0.0.010:80", rejected("-A -t 10.0.0.010:80").token());
        assertEquals("-t 80", rejected("-A -t 80").token());
    }

    @Test
    void bracketedIpv6ServiceNeedsAPort() {
        assertEquals("illegal virtual server address[:port] specified", rejected("-A -t [2001:db8::1]").problem());
    }

    @Test
    void zeroPortServiceMustBePersistent() throws Exception {
        assertEquals("Zero port specified for non-persistent service", rejected("-A -t 10.0.0.1").problem());
        assertEquals(0, service("-A -t 10.0.0.1 -p").key().port());
    }

    @Test
    void fwmarkMustBePositive() {
        assertEquals("invalid fwmark value `0' specified", rejected("-A -f 0").problem());
        assertEquals("invalid fwmark value `4294967296' specified", rejected("-A -f 4294967296").problem());
    }

    @Test
    void persistentTimeoutOutOfRangeIsRejected() {
        assertEquals("invalid timeout value `2678401' specified", rejected("-A -t 10.0.0.1:80 -p 2678401").problem());
    }

    @Test
    void badPersistenceMasksAreRejected() {
        assertEquals("illegal ipv6 netmask specified", rejected("-A -t [2001:db8::1]:80 -p -M 129").problem());
        assertEquals("illegal virtual server persistent mask specified",
                rejected("-A -t 10.0.0.1:80 -p -M 24").problem());
    }
}
