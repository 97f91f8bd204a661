package org.actorvs.service;

import static org.actorvs.service.Literals.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import org.actorvs.service.DestinationSpec.Forward;
import org.actorvs.service.RuleSet.EditException;
import org.actorvs.service.RuleSet.Errno;
import org.actorvs.service.ServiceKey.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class RuleSetTest {


    private static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, ip("10.0.0.1"), 80);
    private static final ServiceKey WEB6 = ServiceKey.of(Protocol.TCP, ip("2001:db8::1"), 80);

    private static DestinationSpec rs(String address) {
        return DestinationSpec.of(ip(address), 80).withForward(Forward.MASQ);
    }

    private static RuleSet webWith(String... servers) throws EditException {
        RuleSet r = RuleSet.EMPTY.addService(ServiceSpec.of(WEB));
        for (String s : servers) {
            r = r.addDest(WEB, rs(s));
        }
        return r;
    }

    private static List<InetAddress> order(RuleSet r) {
        return r.service(WEB).orElseThrow().destinations().stream().map(DestinationSpec::address).toList();
    }

    private static EditException fails(Errno errno, String message, Executable edit) {
        EditException e = assertThrows(EditException.class, edit);
        assertEquals(errno, e.errno());
        assertEquals(message, e.getMessage());
        return e;
    }

    @Test
    void addingAnExistingServiceFailsWithEexist() throws Exception {
        RuleSet r = webWith();
        fails(Errno.EEXIST, "Service already exists", () -> r.addService(ServiceSpec.of(WEB).withScheduler("rr", 0)));
    }

    @Test
    void unknownSchedulerFailsWithEnoent() {
        fails(Errno.ENOENT, "Scheduler or persistence engine not found",
                () -> RuleSet.EMPTY.addService(ServiceSpec.of(WEB).withScheduler("fastest", 0)));
    }

    @Test
    void unknownPersistenceEngineFailsWithEnoent() {
        fails(Errno.ENOENT, "Scheduler or persistence engine not found",
                () -> RuleSet.EMPTY.addService(ServiceSpec.of(WEB).withPersistenceEngine("http")));
    }

    @Test
    void editServiceReplacesAttributesAndKeepsDestinations() throws Exception {
        RuleSet r = webWith("10.0.1.1").editService(ServiceSpec.of(WEB).withScheduler("sh", 0x18));
        RuleSet.Service s = r.service(WEB).orElseThrow();
        assertEquals("sh", s.spec().scheduler());
        assertEquals(0x18, s.spec().schedFlags());
        assertEquals(List.of(rs("10.0.1.1")), s.destinations());
    }

    @Test
    void editingAMissingServiceFailsWithEsrch() {
        fails(Errno.ESRCH, "No such service", () -> RuleSet.EMPTY.editService(ServiceSpec.of(WEB)));
    }

    @Test
    void deletingAServiceRemovesItAndItsDestinations() throws Exception {
        assertTrue(webWith("10.0.1.1").deleteService(WEB).isEmpty());
    }

    @Test
    void deletingAMissingServiceFailsWithEsrch() {
        fails(Errno.ESRCH, "No such service", () -> RuleSet.EMPTY.deleteService(WEB));
    }

    @Test
    void clearEmptiesTheTable() throws Exception {
        assertEquals(RuleSet.EMPTY, webWith("10.0.1.1").clear());
    }

    @Test
    void newestDestinationComesFirstAsInTheKernelList() throws Exception {
        assertEquals(List.of(ip("10.0.1.3"), ip("10.0.1.2"), ip("10.0.1.1")),
                order(webWith("10.0.1.1", "10.0.1.2", "10.0.1.3")));
    }

    @Test
    void addingADestinationToAMissingServiceFailsWithEsrch() {
        EditException e = fails(Errno.ESRCH, "Service not defined", () -> RuleSet.EMPTY.addDest(WEB, rs("10.0.1.1")));
        assertEquals(RuleSet.Subject.SERVICE, e.subject());
    }

    @Test
    void addingAnExistingDestinationFailsWithEexist() throws Exception {
        RuleSet r = webWith("10.0.1.1");
        EditException e = fails(Errno.EEXIST, "Destination already exists",
                () -> r.addDest(WEB, rs("10.0.1.1").withWeight(7)));
        assertEquals(RuleSet.Subject.DESTINATION, e.subject());
    }

    @Test
    void sameAddressOnAnotherPortIsAnotherDestination() throws Exception {
        RuleSet r = webWith("10.0.1.1").addDest(WEB, DestinationSpec.of(ip("10.0.1.1"), 8080).withForward(Forward.MASQ));
        assertEquals(2, r.service(WEB).orElseThrow().destinations().size());
    }

    @Test
    void nonUnicastDestinationsFailWithEinval() throws Exception {
        RuleSet r = webWith();
        for (String bad : List.of("224.0.0.1", "0.0.0.0", "255.255.255.255")) {
            fails(Errno.EINVAL, "Invalid operation.  Possibly wrong module version, address not unicast, ...",
                    () -> r.addDest(WEB, rs(bad)));
        }
        RuleSet r6 = RuleSet.EMPTY.addService(ServiceSpec.of(WEB6));
        for (String bad : List.of("ff02::1", "::", "fe80::1")) {
            assertEquals(Errno.EINVAL, assertThrows(EditException.class,
                    () -> r6.addDest(WEB6, DestinationSpec.of(ip(bad), 80).withForward(Forward.MASQ))).errno());
        }
    }

    @Test
    void destinationOfAnotherFamilyNeedsATunnel() throws Exception {
        RuleSet r = RuleSet.EMPTY.addService(ServiceSpec.of(WEB6));
        assertEquals(Errno.EINVAL, assertThrows(EditException.class, () -> r.addDest(WEB6, rs("10.0.1.1"))).errno());
        RuleSet tunnelled = r.addDest(WEB6, rs("10.0.1.1").withForward(Forward.TUNNEL));
        assertEquals(1, tunnelled.service(WEB6).orElseThrow().destinations().size());
    }

    @Test
    void editDestinationReplacesItInPlace() throws Exception {
        RuleSet r = webWith("10.0.1.1", "10.0.1.2", "10.0.1.3").editDest(WEB, rs("10.0.1.2").withWeight(9));
        assertEquals(List.of(ip("10.0.1.3"), ip("10.0.1.2"), ip("10.0.1.1")), order(r));
        assertEquals(9, r.service(WEB).orElseThrow().destination(ip("10.0.1.2"), 80).orElseThrow().weight());
    }

    @Test
    void editingAMissingDestinationFailsWithEnoent() throws Exception {
        RuleSet r = webWith("10.0.1.1");
        fails(Errno.ENOENT, "No such destination", () -> r.editDest(WEB, rs("10.0.1.2")));
    }

    @Test
    void deletingADestinationRemovesIt() throws Exception {
        assertEquals(List.of(ip("10.0.1.1")), order(webWith("10.0.1.1", "10.0.1.2").deleteDest(WEB, ip("10.0.1.2"), 80)));
    }

    @Test
    void deletingAMissingDestinationFailsWithEnoent() throws Exception {
        RuleSet r = webWith("10.0.1.1");
        fails(Errno.ENOENT, "No such destination", () -> r.deleteDest(WEB, ip("10.0.1.1"), 8080));
    }

    @Test
    void readdedDestinationMovesToTheHead() throws Exception {
        RuleSet r = webWith("10.0.1.1", "10.0.1.2").deleteDest(WEB, ip("10.0.1.1"), 80).addDest(WEB, rs("10.0.1.1"));
        assertEquals(List.of(ip("10.0.1.1"), ip("10.0.1.2")), order(r));
    }

    @Test
    void editsLeaveTheOriginalUntouched() throws Exception {
        RuleSet before = webWith("10.0.1.1");
        before.addDest(WEB, rs("10.0.1.2"));
        before.deleteService(WEB);
        assertEquals(webWith("10.0.1.1"), before);
    }

    @Test
    void builderRoundTripPreservesOrder() throws Exception {
        RuleSet r = webWith("10.0.1.1", "10.0.1.2", "10.0.1.3")
                .addService(ServiceSpec.of(ServiceKey.ofFwmark(5, false)));
        assertEquals(r, r.toBuilder().build());
    }

    @Test
    void matchRuleIsAddedToAFwmarkService() throws Exception {
        ServiceKey fwm = ServiceKey.ofFwmark(5, false);
        FwmarkRule rule = new FwmarkRule(Set.of(Protocol.TCP), ip("10.0.0.1"), 32, List.of(),
                ip("0.0.0.0"), 0);
        RuleSet r = RuleSet.EMPTY.addService(ServiceSpec.of(fwm)).addMatchRule(fwm, rule);
        assertEquals(List.of(rule), r.service(fwm).orElseThrow().spec().matchRules());
    }

    @Test
    void matchRuleOnAnAddressServiceFailsWithEinval() throws Exception {
        FwmarkRule rule = new FwmarkRule(Set.of(Protocol.TCP), ip("10.0.0.1"), 32, List.of(),
                ip("0.0.0.0"), 0);
        RuleSet r = webWith();
        assertEquals(Errno.EINVAL, assertThrows(EditException.class, () -> r.addMatchRule(WEB, rule)).errno());
    }
}
