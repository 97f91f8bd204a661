package org.actorvs.conn;

/** States of a persistence template (IP_VS_CTPL_S_*, ip_vs.h); the state field of a TEMPLATE entry holds these bits. */
public final class TemplateStates {
    public static final int NONE = 0;
    /** Set once a connection it controls reaches ESTABLISHED (TCP) or sees a reply (UDP). */
    public static final int ASSURED = 1;

    private TemplateStates() {
    }
}
