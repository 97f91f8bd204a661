package org.actorvs.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.actorvs.conn.ConnFlags;
import org.actorvs.conn.ConnectionTable;
import org.actorvs.packet.IpProtocol;
import org.junit.jupiter.api.Test;

class AppRegistryTest {
    private final AppRegistry registry = new AppRegistry();
    private final ConnectionTable table = new ConnectionTable(16, 10_000_000L, null);

    private int connection(int vport, int flags) {
        return table.insert(IpProtocol.TCP, 4, 0, 1, 1000 + vport, 0, 2, vport, 0, 3, vport, flags, -1,
                ConnectionTable.NONE, 0);
    }

    @Test
    void ftpRegistersOneIncarnationPerPort() {
        FtpHelper.register(registry, 21, 0, 2121);

        assertEquals(2, registry.incarnations().size());
        assertNotNull(registry.find(IpProtocol.TCP, 2121));
        assertNull(registry.find(IpProtocol.UDP, 21));
        assertThrows(IllegalArgumentException.class, () -> FtpHelper.register(new AppRegistry(), 1, 2, 3, 4, 5, 6, 7, 8, 9));
    }

    @Test
    void aPortHasOneIncarnationAndAHelperNameIsRegisteredOnce() {
        FtpHelper ftp = FtpHelper.register(registry, 21);

        assertFalse(registry.registerIncarnation(ftp, 21));
        assertFalse(registry.register(new FtpHelper()));
    }

    @Test
    void onlyNatConnectionsOnAHelperPortAreBoundAndTemplatesNever() {
        FtpHelper.register(registry, 21);
        AppConnections apps = new AppConnections(table, registry);

        assertTrue(apps.bind(connection(21, ConnFlags.MASQ)));
        assertFalse(apps.bind(connection(21, ConnFlags.DROUTE)));
        assertFalse(apps.bind(connection(80, ConnFlags.MASQ)));
        assertFalse(apps.bind(connection(21, ConnFlags.MASQ | ConnFlags.TEMPLATE)));
        assertEquals(1, registry.find(IpProtocol.TCP, 21).users());
    }

    @Test
    void anIncarnationInUseCannotBeRemoved() {
        FtpHelper.register(registry, 21);
        AppConnections apps = new AppConnections(table, registry);
        int cp = connection(21, ConnFlags.MASQ);
        apps.bind(cp);

        assertFalse(registry.unregisterIncarnation(IpProtocol.TCP, 21));
        table.expireNow(cp);
        table.poll(1_000_000_000L, null, 10);

        assertEquals(0, registry.find(IpProtocol.TCP, 21).users());
        assertTrue(registry.unregisterIncarnation(IpProtocol.TCP, 21));
        assertNull(registry.find(IpProtocol.TCP, 21));
    }
}
