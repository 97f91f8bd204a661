package org.actorvs.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.actorvs.service.DestinationSpec;
import org.actorvs.service.RuleSet;
import org.actorvs.service.ServiceKey;
import org.actorvs.service.ServiceKey.Protocol;
import org.actorvs.service.ServiceSpec;
import org.junit.jupiter.api.Test;

class IpvsadmRulesTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = IpvsadmRulesTest.class.getResourceAsStream("/ipvsadm/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ServiceKey tcp(String vip, int port) {
        return ServiceKey.of(Protocol.TCP, AddressText.parse(vip), port);
    }

    private static RulesFileException rejected(String text) {
        return assertThrows(RulesFileException.class, () -> IpvsadmRules.read(text));
    }

    @Test
    void kernelSaveOutputReadsAndWritesBackLineForLine() throws Exception {
        String saved = resource("master-save.txt");
        assertEquals(saved, IpvsadmRules.save(IpvsadmRules.read(saved)));
    }

    @Test
    void kernelSaveOutputKeepsDestinationsNewestFirstAsTheKernelLists() throws Exception {
        RuleSet rules = IpvsadmRules.read(resource("master-save.txt"));
        RuleSet.Service web = rules.service(tcp("10.99.0.10", 80)).orElseThrow();
        assertEquals(List.of(AddressText.parse("10.99.0.24"), AddressText.parse("10.99.0.21")),
                web.destinations().stream().map(DestinationSpec::address).toList());
    }

    @Test
    void fileWithEveryOptionRoundTripsToAnIdenticalRuleSet() throws Exception {
        RuleSet first = IpvsadmRules.read(resource("all-options.txt"));
        RuleSet second = IpvsadmRules.read(IpvsadmRules.save(first));
        assertEquals(first, second);
    }

    @Test
    void fileWithEveryOptionIsWrittenBackVerbatim() throws Exception {
        String text = resource("all-options.txt");
        assertEquals(text, IpvsadmRules.save(IpvsadmRules.read(text)));
    }

    @Test
    void servicesAreSavedInIpvsadmOrderWhateverTheInputOrder() throws Exception {
        String text = """
                -A -f 7 -s rr
                -A -t [2001:db8::1]:80 -s rr
                -A -u 10.0.0.1:53 -s rr
                -A -t 10.0.0.9:80 -s rr
                -A -t 10.0.0.1:443 -s rr
                -A -t 10.0.0.1:80 -s rr
                """;
        assertEquals("""
                -A -t 10.0.0.1:80 -s rr
                -A -t 10.0.0.1:443 -s rr
                -A -t 10.0.0.9:80 -s rr
                -A -u 10.0.0.1:53 -s rr
                -A -t [2001:db8::1]:80 -s rr
                -A -f 7 -s rr
                """, IpvsadmRules.save(IpvsadmRules.read(text)));
    }

    @Test
    void addressesMoreThanHalfTheSpaceApartAreSavedInIpvsadmsWrappedOrder() throws Exception {
        String text = "-A -t 10.0.0.1:80 -s rr\n-A -t 192.168.0.1:80 -s rr\n";
        assertEquals("-A -t 192.168.0.1:80 -s rr\n-A -t 10.0.0.1:80 -s rr\n",
                IpvsadmRules.save(IpvsadmRules.read(text)));
    }

    @Test
    void blankLinesAndCommentsAreIgnored() throws Exception {
        String text = "\n# web farm\n   \n-A -t 10.0.0.1:80 -s rr   # trailing comment\n\t\r\n";
        assertEquals("-A -t 10.0.0.1:80 -s rr\n", IpvsadmRules.save(IpvsadmRules.read(text)));
    }

    @Test
    void editLinesApplyInOrderAsRestoreDoes() throws Exception {
        String text = """
                -A -t 10.0.0.1:80 -s rr
                -a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 5
                -a -t 10.0.0.1:80 -r 10.0.1.2:8080 -m
                -A -t 10.0.0.2:80
                -E -t 10.0.0.1:80 -s wrr -p 30
                -e -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 9
                -d -t 10.0.0.1:80 -r 10.0.1.2:8080
                -D -t 10.0.0.2:80
                """;
        assertEquals("""
                -A -t 10.0.0.1:80 -s wrr -p 30
                -a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 9
                """, IpvsadmRules.save(IpvsadmRules.read(text)));
    }

    @Test
    void clearLineEmptiesEverythingBeforeIt() throws Exception {
        RuleSet rules = IpvsadmRules.read("-A -t 10.0.0.1:80\n-C\n-A -t 10.0.0.2:80 -s rr\n");
        assertEquals("-A -t 10.0.0.2:80 -s rr\n", IpvsadmRules.save(rules));
    }

    @Test
    void editServiceLineKeepsTheMatchRulesIpvsadmCannotExpress() throws Exception {
        RuleSet rules = IpvsadmRules.read("-A -f 1 -s rr\n#actorvs fwmark 1 match tcp dst 10.0.0.1/32\n-E -f 1 -s wrr\n");
        ServiceSpec spec = rules.service(ServiceKey.ofFwmark(1, false)).orElseThrow().spec();
        assertEquals("wrr", spec.scheduler());
        assertEquals(1, spec.matchRules().size());
    }

    @Test
    void thresholdsAreWrittenSoTheyRoundTrip() throws Exception {
        String text = "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1 -x 200 -y 100\n";
        DestinationSpec d = IpvsadmRules.read(IpvsadmRules.save(IpvsadmRules.read(text)))
                .service(tcp("10.0.0.1", 80)).orElseThrow().destinations().get(0);
        assertEquals(200, d.upperThreshold());
        assertEquals(100, d.lowerThreshold());
    }

    @Test
    void localNodeIsSavedAsGatewayingAsIpvsadmDoes() throws Exception {
        RuleSet rules = RuleSet.EMPTY.addService(ServiceSpec.of(tcp("10.0.0.1", 80)))
                .addDest(tcp("10.0.0.1", 80), DestinationSpec.of(AddressText.parse("10.0.1.1"), 80)
                        .withForward(DestinationSpec.Forward.LOCALNODE));
        assertTrue(IpvsadmRules.save(rules).contains("-r 10.0.1.1:80 -g -w 1\n"));
    }

    @Test
    void unknownOptionNamesLineAndToken() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80 --bogus\n");
        assertEquals(2, e.line());
        assertEquals("--bogus", e.token());
        assertEquals("line 2: `--bogus': unknown option", e.getMessage());
    }

    @Test
    void missingValueNamesLineAndOption() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.1.1 -w\n");
        assertEquals(2, e.line());
        assertEquals("-w", e.token());
        assertEquals("missing argument (expected an integer 0..65535)", e.problem());
    }

    @Test
    void badAddressNamesLineAndToken() {
        RulesFileException e = rejected("-A -t 10.0.0.300:80\n");
        assertEquals(1, e.line());
        assertEquals("-t 10.0.0.300:80", e.token());
        assertTrue(e.problem().startsWith("illegal virtual server address[:port] specified (expected "));
    }

    @Test
    void badPortNamesLineAndToken() {
        RulesFileException e = rejected("# ports\n-A -u 10.0.0.1:65536 -s rr\n");
        assertEquals(2, e.line());
        assertEquals("-u 10.0.0.1:65536", e.token());
    }

    @Test
    void weightOutOfRangeNamesLineAndToken() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80\n\n-a -t 10.0.0.1:80 -r 10.0.1.1 -w 65536\n");
        assertEquals(3, e.line());
        assertEquals("-w 65536", e.token());
        assertEquals("illegal weight specified (expected an integer 0..65535)", e.problem());
    }

    @Test
    void onePacketOnTcpNamesLineAndToken() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80 -o\n");
        assertEquals(1, e.line());
        assertEquals("-o", e.token());
        assertTrue(e.problem().startsWith("One-Packet Scheduling is only for UDP virtual services"));
    }

    @Test
    void lowerThresholdAboveUpperNamesLineAndToken() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.1.1 -x 5 -y 10\n");
        assertEquals(2, e.line());
        assertEquals("-y 10", e.token());
        assertTrue(e.problem().startsWith("Numerical result out of range"));
    }

    @Test
    void destinationForMissingServiceNamesLineAndService() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80\n-a -t 10.0.0.9:80 -r 10.0.1.1 -m\n");
        assertEquals(2, e.line());
        assertEquals("-t 10.0.0.9:80", e.token());
        assertTrue(e.problem().startsWith("Service not defined"));
    }

    @Test
    void duplicateServiceNamesLineAndService() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80 -s rr\n");
        assertEquals(2, e.line());
        assertEquals("-t 10.0.0.1:80", e.token());
        assertTrue(e.problem().startsWith("Service already exists"));
    }

    @Test
    void duplicateDestinationNamesLineAndServer() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.1.1\n-a -t 10.0.0.1:80 -r 10.0.1.1 -w 2\n");
        assertEquals(3, e.line());
        assertEquals("-r 10.0.1.1:80", e.token());
        assertTrue(e.problem().startsWith("Destination already exists"));
    }

    @Test
    void unknownSchedulerNamesLineAndService() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80 -s fastest\n");
        assertEquals("-t 10.0.0.1:80", e.token());
        assertTrue(e.problem().startsWith("Scheduler or persistence engine not found"));
    }

    @Test
    void commandsThatDoNotEditRulesAreRejected() {
        RulesFileException e = rejected("-A -t 10.0.0.1:80\n-L -n\n");
        assertEquals(2, e.line());
        assertEquals("-L", e.token());
    }

    @Test
    void matchRuleForAMissingServiceNamesLineAndMark() {
        RulesFileException e = rejected("-A -f 1\n#actorvs fwmark 2 match tcp dst 10.0.0.1\n");
        assertEquals(2, e.line());
        assertEquals("-f 2", e.token());
        assertTrue(e.problem().startsWith("Service not defined"));
    }

    @Test
    void malformedMatchRuleNamesLineAndClause() {
        RulesFileException e = rejected("-A -f 1\n#actorvs fwmark 1 match tcp dst 10.0.0.1 dport 90-80\n");
        assertEquals(2, e.line());
        assertEquals("dport 90-80", e.token());
    }

    @Test
    void fileWithOneBadLineAppliesNothing() throws Exception {
        RuleSet current = IpvsadmRules.read("-A -t 10.0.0.1:80 -s rr\n");
        String text = "-C\n-A -t 10.0.0.2:80 -s rr\n-a -t 10.0.0.2:80 -r 10.0.1.1 -w 70000\n";
        assertThrows(RulesFileException.class, () -> IpvsadmRules.restore(current, new StringReader(text)));
        assertEquals("-A -t 10.0.0.1:80 -s rr\n", IpvsadmRules.save(current));
    }

    @Test
    void restoreOntoAnExistingTableRefusesAServiceThatExists() throws Exception {
        RuleSet current = IpvsadmRules.read("-A -t 10.0.0.1:80 -s rr\n");
        RulesFileException e = assertThrows(RulesFileException.class,
                () -> IpvsadmRules.restore(current, new StringReader("-A -t 10.0.0.1:80 -s wlc\n")));
        assertTrue(e.problem().startsWith("Service already exists"));
    }

    @Test
    void restoreOntoAnExistingTableAddsToIt() throws Exception {
        RuleSet current = IpvsadmRules.read("-A -t 10.0.0.1:80 -s rr\n");
        RuleSet after = IpvsadmRules.restore(current, new StringReader("-a -t 10.0.0.1:80 -r 10.0.1.1 -m\n"));
        assertEquals(List.of(AddressText.parse("10.0.1.1")), after.service(tcp("10.0.0.1", 80)).orElseThrow()
                .destinations().stream().map(DestinationSpec::address).toList());
    }

    @Test
    void emptyFileGivesTheEmptyTable() throws Exception {
        assertTrue(IpvsadmRules.read("# nothing\n").isEmpty());
        assertEquals("", IpvsadmRules.save(RuleSet.EMPTY));
    }
}
