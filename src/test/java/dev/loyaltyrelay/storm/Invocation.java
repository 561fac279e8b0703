package dev.loyaltyrelay.storm;

/**
 * One invocation of a delivery function in the storm, known to every thread it starts (the pipeline's virtual threads
 * inherit it). When a crash fault kills it, every later store, queue or provider call it makes fails, and its answer to
 * the event source is thrown away: what a Lambda that dies mid-batch leaves behind.
 */
final class Invocation {

    private static final InheritableThreadLocal<Invocation> CURRENT = new InheritableThreadLocal<>();
    private volatile boolean dead;
    private final java.util.Set<String> claimed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static Invocation current() {
        return CURRENT.get();
    }

    static Invocation start() {
        Invocation invocation = new Invocation();
        CURRENT.set(invocation);
        return invocation;
    }

    static void end() {
        CURRENT.remove();
    }

    /** A claim this invocation's store call applied. */
    void claimed(String deliveryId) {
        claimed.add(deliveryId);
    }

    /** The deliveries it claimed: when it died, those whose call it had not made are left with a lapsing claim. */
    java.util.Set<String> claimed() {
        return java.util.Set.copyOf(claimed);
    }

    void die() {
        dead = true;
    }

    boolean dead() {
        return dead;
    }

    /** Whether the calling thread belongs to an invocation that has died. */
    static boolean currentIsDead() {
        Invocation invocation = CURRENT.get();
        return invocation != null && invocation.dead;
    }
}
