package dev.loyaltyrelay.application;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What a warm container derives from merchants' configurations (opened webhook secrets, opened credentials), kept so
 * that a request costs no configuration read and no key-service call, and checked against each merchant's
 * configuration version ({@link ConfigurationStore#version}). How stale an entry can be, in one container:
 * <ul>
 * <li>a change this container made applies at once ({@link #forgetMerchant}, on {@code ConfigurationChanged});</li>
 * <li>a change another function made applies within {@code freshFor} ({@code relay.config-fresh-for}): an entry older
 * than that is used only after one small consistent read finds the merchant's version unchanged since it was loaded;
 * so a retired webhook secret or a disabled integration stops working everywhere within that bound;</li>
 * <li>every entry is loaded again after {@code maxAge} ({@code relay.config-cache-ttl}) whatever its version says,
 * which bounds what a lost version write could cost.</li>
 * </ul>
 * Absence (no such merchant or integration) is kept the same way: creating one changes the version. A load that throws
 * leaves nothing behind, so the next call tries again.
 *
 * @param <K> the key of an entry, which names its merchant
 * @param <T> what is kept
 */
public final class ConfigurationCache<K, T> {

    private record Entry<T>(Optional<T> value, Optional<String> version, Instant loadedAt, Instant checkedAt) {
    }

    /** Bounds the memory a flood of made-up merchant or integration ids can take in one container. */
    public static final int MAX_ENTRIES = 10_000;

    private final ConfigurationStore store;
    private final Clock clock;
    private final Duration freshFor;
    private final Duration maxAge;
    private final int maxEntries;
    private final Function<K, String> merchantOf;
    private final Function<K, Optional<T>> load;
    private final Map<K, Entry<T>> entries = new ConcurrentHashMap<>();
    /**
     * Moved by every change this container announces: a load that began before one may have read the configuration
     * before it, so what it read is returned to its caller but not kept.
     */
    private final AtomicLong changesHere = new AtomicLong();

    /**
     * @param maxEntries bounds the memory a flood of made-up ids can take: when full, absent values are not kept
     * @param merchantOf the merchant whose configuration an entry comes from
     * @param load       what is kept for a key, read and derived now (empty: there is no such thing)
     */
    public ConfigurationCache(ConfigurationStore store, Clock clock, Duration freshFor, Duration maxAge, int maxEntries,
            Function<K, String> merchantOf, Function<K, Optional<T>> load) {
        this.store = store;
        this.clock = clock;
        this.freshFor = freshFor;
        this.maxAge = maxAge;
        this.maxEntries = maxEntries;
        this.merchantOf = merchantOf;
        this.load = load;
    }

    /** A cache with the configured bounds ({@code relay.config-fresh-for}, {@code relay.config-cache-ttl}) of {@link #MAX_ENTRIES}. */
    public static <K, T> ConfigurationCache<K, T> configured(ConfigurationStore store, Clock clock, RelayConfig config,
            Function<K, String> merchantOf, Function<K, Optional<T>> load) {
        return new ConfigurationCache<>(store, clock, config.configFreshFor(), config.configCacheTtl(), MAX_ENTRIES, merchantOf, load);
    }

    /** The kept value, or what {@code load} gives now when there is none, it is too old, or the merchant's version moved. */
    public Optional<T> get(K key) {
        long changesBefore = changesHere.get();
        Instant now = clock.instant();
        Entry<T> entry = entries.get(key);
        if (entry != null && within(now, entry.loadedAt(), maxAge)) {
            if (within(now, entry.checkedAt(), freshFor)) {
                return entry.value();
            }
            Optional<String> version = store.version(merchantOf.apply(key));
            if (version.equals(entry.version())) {
                entries.replace(key, entry, new Entry<>(entry.value(), version, entry.loadedAt(), now));
                return entry.value();
            }
            return load(key, version, now, changesBefore);
        }
        // The version is read before the configuration: were a change to land in between, the newer configuration is
        // kept under the older version, and the next check loads it again; never the other way round.
        return load(key, store.version(merchantOf.apply(key)), now, changesBefore);
    }

    private Optional<T> load(K key, Optional<String> version, Instant now, long changesBefore) {
        Optional<T> value = load.apply(key);
        if (changesHere.get() != changesBefore) {
            return value;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> !within(now, e.loadedAt(), maxAge));
        }
        if (entries.size() >= maxEntries && value.isPresent()) {
            // Room for a real merchant or integration is made at the expense of remembered absences first.
            entries.values().removeIf(e -> e.value().isEmpty());
        }
        if (entries.size() >= maxEntries && value.isPresent()) {
            entries.clear();
        }
        if (entries.size() < maxEntries) {
            entries.put(key, new Entry<>(value, version, now, now));
        }
        return value;
    }

    private static boolean within(Instant now, Instant since, Duration span) {
        return !now.isBefore(since) && now.isBefore(since.plus(span));
    }

    /** Drops one entry, so the next call loads it again. */
    public void forget(K key) {
        changesHere.incrementAndGet();
        entries.remove(key);
    }

    /** Drops every entry of the merchant (this container changed its configuration). */
    public void forgetMerchant(String merchantId) {
        changesHere.incrementAndGet();
        entries.keySet().removeIf(key -> merchantOf.apply(key).equals(merchantId));
    }

    /** Drops everything (tests that empty the tables under a running application). */
    public void forgetAll() {
        changesHere.incrementAndGet();
        entries.clear();
    }

    public int size() {
        return entries.size();
    }
}
