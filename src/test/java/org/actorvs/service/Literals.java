package org.actorvs.service;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address literals for tests of the service package, which cannot use the admin package's parser. */
final class Literals {

    private Literals() {
    }

    /** A numeric address literal; getByName does no lookup for those. */
    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
