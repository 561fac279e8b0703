package dev.loyaltyrelay.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.support.MutableClock;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How stale a container's view of a merchant's configuration can be: not at all for a change it made, at most
 * {@code freshFor} for another function's, at most {@code maxAge} whatever the version says; and what it costs.
 */
class ConfigurationCacheTest {

    private static final Duration FRESH_FOR = Duration.ofSeconds(1);
    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    /** Versions of the merchants' configurations, as another function would move them; counts the version reads. */
    private final Map<String, String> versions = new HashMap<>();
    private final AtomicInteger versionReads = new AtomicInteger();
    private final AtomicInteger loads = new AtomicInteger();
    private final MutableClock clock = new MutableClock();
    private final ConfigurationStore store = (ConfigurationStore) Proxy.newProxyInstance(ConfigurationStore.class.getClassLoader(),
            new Class<?>[] {ConfigurationStore.class}, (proxy, method, args) -> {
                if (!method.getName().equals("version")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                versionReads.incrementAndGet();
                return Optional.ofNullable(versions.get((String) args[0]));
            });
    /** What the configuration says now: the cache must show this, or a value at most as stale as its bounds allow. */
    private final Map<String, String> current = new HashMap<>();
    private final Function<String, Optional<String>> load = merchantId -> {
        loads.incrementAndGet();
        return Optional.ofNullable(current.get(merchantId));
    };

    ConfigurationCacheTest() {
        clock.set(Instant.parse("2026-12-02T10:00:00Z"));
    }

    /** What the cache under test loads with; a test may put another in (a change racing the load). */
    private Function<String, Optional<String>> loader = load;

    private ConfigurationCache<String, String> cache(int maxEntries) {
        return new ConfigurationCache<>(store, clock, FRESH_FOR, MAX_AGE, maxEntries, merchantId -> merchantId, merchantId -> loader.apply(merchantId));
    }

    private void changeElsewhere(String merchantId, String value) {
        current.put(merchantId, value);
        versions.put(merchantId, "v-" + value);
    }

    @Test
    void withinFreshFor_aLookupReadsNothing() {
        changeElsewhere("m1", "enabled");
        var cache = cache(100);
        assertEquals(Optional.of("enabled"), cache.get("m1"));
        clock.advance(FRESH_FOR.minusMillis(1));
        assertEquals(Optional.of("enabled"), cache.get("m1"));
        assertEquals(1, loads.get());
        assertEquals(1, versionReads.get(), "the version is read once, before the load");
    }

    @Test
    void anotherFunctionsChange_appliesOnceFreshForHasPassed() {
        changeElsewhere("m1", "enabled");
        var cache = cache(100);
        cache.get("m1");
        changeElsewhere("m1", "disabled");
        assertEquals(Optional.of("enabled"), cache.get("m1"), "within the bound the old value may still be used");
        clock.advance(FRESH_FOR);
        assertEquals(Optional.of("disabled"), cache.get("m1"));
    }

    @Test
    void anUnchangedVersion_costsOneSmallReadPerFreshFor_andNoLoad() {
        changeElsewhere("m1", "enabled");
        var cache = cache(100);
        cache.get("m1");
        for (int i = 0; i < 10; i++) {
            clock.advance(FRESH_FOR);
            cache.get("m1");
            cache.get("m1");
        }
        assertEquals(1, loads.get());
        assertEquals(11, versionReads.get());
    }

    @Test
    void afterMaxAge_theConfigurationIsLoadedAgain_evenWhenItsVersionDidNotMove() {
        changeElsewhere("m1", "enabled");
        var cache = cache(100);
        cache.get("m1");
        current.put("m1", "written without a version (the version write was lost)");
        clock.advance(MAX_AGE.minusSeconds(1));
        assertEquals(Optional.of("enabled"), cache.get("m1"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.of("written without a version (the version write was lost)"), cache.get("m1"));
    }

    @Test
    void anUnknownMerchant_isFoundOnceCreated_withinFreshFor() {
        var cache = cache(100);
        assertEquals(Optional.empty(), cache.get("new-merchant"));
        assertEquals(Optional.empty(), cache.get("new-merchant"));
        assertEquals(1, loads.get(), "absence is remembered too: a flood for a made-up id is not a flood of queries");
        changeElsewhere("new-merchant", "created");
        clock.advance(FRESH_FOR);
        assertEquals(Optional.of("created"), cache.get("new-merchant"));
    }

    @Test
    void aChangeLandingBetweenTheVersionReadAndTheLoad_isLoadedAgainAtTheNextCheck() {
        changeElsewhere("m1", "old");
        var cache = cache(100);
        loader = merchantId -> {
            changeElsewhere("m1", "new");
            return load.apply(merchantId);
        };
        assertEquals(Optional.of("new"), cache.get("m1"));
        loader = load;
        changeElsewhere("m1", "newer");
        clock.advance(FRESH_FOR);
        assertEquals(Optional.of("newer"), cache.get("m1"),
                "kept under the version read before the load, so the next check cannot mistake it for current");
    }

    @Test
    void forgetMerchant_dropsThatMerchantsEntriesOnly() {
        changeElsewhere("m1", "a");
        changeElsewhere("m2", "b");
        Function<String, String> merchantOf = key -> key.split("/")[0];
        var cache = new ConfigurationCache<String, String>(store, clock, FRESH_FOR, MAX_AGE, 100, merchantOf, key -> load.apply(merchantOf.apply(key)));
        cache.get("m1/int-1");
        cache.get("m1/int-2");
        cache.get("m2/int-1");
        current.put("m1", "changed here");
        cache.forgetMerchant("m1");
        assertEquals(Optional.of("changed here"), cache.get("m1/int-1"), "a change this container made applies at once");
        assertEquals(Optional.of("b"), cache.get("m2/int-1"));
        assertEquals(4, loads.get());
    }

    @Test
    void aLoadThatFails_leavesNothingBehind() {
        changeElsewhere("m1", "enabled");
        var cache = cache(100);
        loader = merchantId -> {
            throw new StoreUnavailable("load merchant configuration", new IllegalStateException("unreachable"));
        };
        assertThrows(StoreUnavailable.class, () -> cache.get("m1"));
        loader = load;
        assertEquals(Optional.of("enabled"), cache.get("m1"));
    }

    @Test
    void aRealMerchantArrivingWhenTheCacheIsFull_makesRoomFromRememberedAbsences_notFromOtherKnownMerchants() {
        changeElsewhere("known", "enabled");
        var cache = cache(10);
        cache.get("known");
        for (int i = 0; i < 9; i++) {
            cache.get("made-up-" + i);
        }
        changeElsewhere("new", "created");
        assertEquals(Optional.of("created"), cache.get("new"));
        int loadsBefore = loads.get();
        assertEquals(Optional.of("enabled"), cache.get("known"));
        assertEquals(loadsBefore, loads.get(), "the known merchant stayed");
    }

    @Test
    void aLoadThatBeganBeforeAChangeHere_isReturnedButNotKept() {
        changeElsewhere("m1", "old");
        var cache = cache(100);
        loader = merchantId -> {
            Optional<String> read = load.apply(merchantId);
            current.put("m1", "changed here");
            cache.forgetMerchant("m1");
            return read;
        };
        assertEquals(Optional.of("old"), cache.get("m1"));
        loader = load;
        assertEquals(Optional.of("changed here"), cache.get("m1"), "no time has passed: the change made here applies here at once");
    }

    @Test
    void aFloodOfMadeUpIds_doesNotGrowTheCacheWithoutBound_norEvictKnownMerchants() {
        changeElsewhere("known", "enabled");
        var cache = cache(1_000);
        cache.get("known");
        for (int i = 0; i < 5_000; i++) {
            cache.get("made-up-" + i);
        }
        assertTrue(cache.size() <= 1_000, "entries: " + cache.size());
        int loadsBefore = loads.get();
        assertEquals(Optional.of("enabled"), cache.get("known"));
        assertEquals(loadsBefore, loads.get(), "the known merchant was not pushed out by made-up ones");
    }
}
