package dev.loyaltyrelay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Quiet hours on the merchant's wall clock: where they hold, and when they end, across midnight and across DST changes. */
class QuietHoursTest {

    static final QuietHours NIGHT = new QuietHours(LocalTime.of(21, 0), LocalTime.of(9, 0));
    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    static Instant at(String local, ZoneId zone) {
        return java.time.LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    @Test
    void acrossMidnight_holdsFromTheStartIncluded_toTheEndExcluded() {
        assertTrue(NIGHT.contains(LocalTime.of(21, 0)));
        assertTrue(NIGHT.contains(LocalTime.of(23, 59)));
        assertTrue(NIGHT.contains(LocalTime.MIDNIGHT));
        assertTrue(NIGHT.contains(LocalTime.of(8, 59, 59)));
        assertFalse(NIGHT.contains(LocalTime.of(9, 0)));
        assertFalse(NIGHT.contains(LocalTime.of(20, 59, 59)));
        assertFalse(NIGHT.contains(LocalTime.NOON));
    }

    @Test
    void withinOneDay_holdsBetweenItsTimes() {
        var afternoon = new QuietHours(LocalTime.of(13, 0), LocalTime.of(15, 0));
        assertTrue(afternoon.contains(LocalTime.of(14, 0)));
        assertFalse(afternoon.contains(LocalTime.of(15, 0)));
        assertFalse(afternoon.contains(LocalTime.of(12, 59)));
        assertEquals(Optional.of(at("2026-12-02T15:00", KOLKATA)), afternoon.endAfter(at("2026-12-02T13:30", KOLKATA), KOLKATA));
    }

    @Test
    void at2230_theyEndAt0900TheNextMorning_andAfterMidnight_thatSameMorning() {
        assertEquals(Optional.of(at("2026-12-03T09:00", KOLKATA)), NIGHT.endAfter(at("2026-12-02T22:30", KOLKATA), KOLKATA));
        assertEquals(Optional.of(at("2026-12-03T09:00", KOLKATA)), NIGHT.endAfter(at("2026-12-03T02:15", KOLKATA), KOLKATA));
        assertEquals(Optional.empty(), NIGHT.endAfter(at("2026-12-03T09:00", KOLKATA), KOLKATA), "open at 09:00");
        assertEquals(Optional.empty(), NIGHT.endAfter(at("2026-12-02T18:00", KOLKATA), KOLKATA));
    }

    @Test
    void theNightTheClocksGoForward_isAnHourShorter() {
        // Europe/London: 2026-03-29 01:00 GMT becomes 02:00 BST.
        Instant evening = at("2026-03-28T22:30", LONDON);
        Instant end = NIGHT.endAfter(evening, LONDON).orElseThrow();
        assertEquals(ZonedDateTime.parse("2026-03-29T09:00+01:00[Europe/London]").toInstant(), end);
        assertEquals(Duration.ofMinutes(9 * 60 + 30), Duration.between(evening, end), "10 h 30 on the wall clock, 9 h 30 lived");
    }

    @Test
    void theNightTheClocksGoBack_isAnHourLonger() {
        // Europe/London: 2026-10-25 02:00 BST becomes 01:00 GMT.
        Instant evening = at("2026-10-24T22:30", LONDON);
        Instant end = NIGHT.endAfter(evening, LONDON).orElseThrow();
        assertEquals(ZonedDateTime.parse("2026-10-25T09:00Z[Europe/London]").toInstant(), end);
        assertEquals(Duration.ofMinutes(11 * 60 + 30), Duration.between(evening, end));
    }

    @Test
    void anEndTheClocksSkip_isTheInstantTheyJumpPastIt() {
        // America/New_York: 2026-03-08 02:00 EST becomes 03:00 EDT, so 02:30 never happens that night.
        var early = new QuietHours(LocalTime.of(1, 0), LocalTime.of(2, 30));
        Instant end = early.endAfter(at("2026-03-08T01:15", NEW_YORK), NEW_YORK).orElseThrow();
        assertEquals(ZonedDateTime.parse("2026-03-08T03:00-04:00").toInstant(), end, "the wall clock reads 03:00, past 02:30, at once");
        assertFalse(early.contains(end.atZone(NEW_YORK).toLocalTime()));
        assertTrue(early.contains(end.minusSeconds(1).atZone(NEW_YORK).toLocalTime()));
    }

    @Test
    void anEndTheClocksRepeat_isTheOneStillAhead() {
        // America/New_York: 2026-11-01 02:00 EDT becomes 01:00 EST, so 01:00 to 02:00 happens twice.
        var late = new QuietHours(LocalTime.of(0, 30), LocalTime.of(1, 30));
        Instant firstPass = ZonedDateTime.parse("2026-11-01T01:10-04:00").toInstant();
        Instant secondPass = ZonedDateTime.parse("2026-11-01T01:10-05:00").toInstant();
        assertEquals(ZonedDateTime.parse("2026-11-01T01:30-04:00").toInstant(), late.endAfter(firstPass, NEW_YORK).orElseThrow());
        assertEquals(ZonedDateTime.parse("2026-11-01T01:30-05:00").toInstant(), late.endAfter(secondPass, NEW_YORK).orElseThrow(),
                "twenty minutes on, not the next day");
    }

    @Test
    void hoursThatEndWhereTheyStart_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new QuietHours(LocalTime.of(9, 0), LocalTime.of(9, 0)));
    }
}
