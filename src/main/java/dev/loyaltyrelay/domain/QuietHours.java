package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Objects;
import java.util.Optional;

/**
 * The hours of the merchant's day in which no marketing message goes out, read on the merchant's wall clock
 * ({@link Merchant#timezone()}): from {@code from} (included) to {@code until} (excluded), across midnight when
 * {@code from} is later than {@code until} (21:00 to 09:00). The wall clock decides, not a count of hours, so a night
 * on which the clocks change is an hour shorter or longer, as the customer lives it.
 */
public record QuietHours(LocalTime from, LocalTime until) {

    public QuietHours {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
        if (from.equals(until)) {
            throw new IllegalArgumentException("quiet hours must end at another time than they start");
        }
    }

    /** Whether {@code time} on the wall clock falls inside. */
    public boolean contains(LocalTime time) {
        if (from.isBefore(until)) {
            return !time.isBefore(from) && time.isBefore(until);
        }
        return !time.isBefore(from) || time.isBefore(until);
    }

    /**
     * When the quiet hours that hold at {@code now} end, in {@code zone}; empty when {@code now} is outside them. The end
     * is the next {@code until} on the wall clock: if the clocks skip it (a spring-forward gap), the instant they jump
     * past it; if they repeat it (fall-back), the one in the offset now in force, when that one is still ahead.
     */
    public Optional<Instant> endAfter(Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        if (!contains(local.toLocalTime())) {
            return Optional.empty();
        }
        Instant end = onWallClock(local.toLocalDate().atTime(until), zone, local.getOffset());
        if (!end.isAfter(now)) {
            end = onWallClock(local.toLocalDate().plusDays(1).atTime(until), zone, local.getOffset());
        }
        return Optional.of(end);
    }

    /** The instant the wall clock shows {@code time}; for a time the clocks skip, the end of the gap (the hours are over then). */
    private static Instant onWallClock(LocalDateTime time, ZoneId zone, ZoneOffset preferred) {
        ZoneOffsetTransition transition = zone.getRules().getTransition(time);
        if (transition != null && transition.isGap()) {
            return transition.getInstant();
        }
        return ZonedDateTime.ofLocal(time, zone, preferred).toInstant();
    }
}
