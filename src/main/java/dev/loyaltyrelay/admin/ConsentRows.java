package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.ConsentBodies.ConsentBulk;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentChange;
import dev.loyaltyrelay.admin.ConsentBodies.RejectedRow;
import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rows of a bulk consent call, read from its JSON list or its CSV text: each a channel and a recipient normalised as
 * ingest normalises them, or refused with a reason code and its place (CSV line, list index). A row's value is never
 * repeated in a reason. What is wrong with the call as a whole (both lists or neither, too many rows, a header that
 * names no address column) is a 400.
 *
 * <p>CSV: a header line naming the columns {@code channel}, {@code mobile} and {@code email} (in any order; at least one
 * address column), then one row a line; a value may stand in double quotes; blank lines are skipped.
 */
final class ConsentRows {

    /** A row taken: where it was, its channel and its recipient. */
    record Row(Integer line, Integer index, Channel channel, Recipient recipient) {
    }

    /** Every row of the call: those taken and those refused, in their order. */
    record Read(int received, List<Row> taken, List<RejectedRow> rejected) {
    }

    private ConsentRows() {
    }

    static Read from(ConsentBulk body, String defaultCountry, int maxRows) {
        if ((body.entries() != null) == (body.csv() != null)) {
            throw ApiProblem.invalid("entries", "give exactly one of entries and csv");
        }
        return body.entries() != null ? fromEntries(body.entries(), defaultCountry, maxRows) : fromCsv(body.csv(), defaultCountry, maxRows);
    }

    private static Read fromEntries(List<ConsentChange> entries, String defaultCountry, int maxRows) {
        if (entries.size() > maxRows) {
            throw ApiProblem.invalid("entries", "at most " + maxRows + " entries in one call");
        }
        var taken = new ArrayList<Row>();
        var rejected = new ArrayList<RejectedRow>();
        for (int i = 0; i < entries.size(); i++) {
            ConsentChange entry = entries.get(i);
            if (entry == null) {
                rejected.add(new RejectedRow(null, i, "entry_missing"));
                continue;
            }
            switch (parse(entry.channel(), entry.mobile(), entry.email(), defaultCountry)) {
                case Refused refused -> rejected.add(new RejectedRow(null, i, refused.reason()));
                case Parsed parsed -> taken.add(new Row(null, i, parsed.channel(), parsed.recipient()));
            }
        }
        return new Read(entries.size(), taken, rejected);
    }

    private static Read fromCsv(String csv, String defaultCountry, int maxRows) {
        String[] lines = csv.replace("\uFEFF", "").split("\r?\n", -1);
        List<String> header = fields(lines[0]).stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
        for (int column = 0; column < header.size(); column++) {
            String name = header.get(column);
            if (!List.of("channel", "mobile", "email").contains(name) || header.indexOf(name) != column) {
                throw ApiProblem.invalid("csv", "line 1 names the columns: channel, and mobile or email or both, each once (column " + (column + 1)
                        + " is not one of them)");
            }
        }
        if (!header.contains("channel") || !header.contains("mobile") && !header.contains("email")) {
            throw ApiProblem.invalid("csv", "line 1 names the columns: channel, and mobile or email or both");
        }
        var taken = new ArrayList<Row>();
        var rejected = new ArrayList<RejectedRow>();
        int received = 0;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            if (++received > maxRows) {
                throw ApiProblem.invalid("csv", "at most " + maxRows + " rows in one call");
            }
            int line = i + 1;
            List<String> values = fields(lines[i]);
            if (values.size() != header.size()) {
                rejected.add(new RejectedRow(line, null, "columns_mismatch"));
                continue;
            }
            String channel = value(values, header, "channel");
            String mobile = value(values, header, "mobile");
            String email = value(values, header, "email");
            switch (parse(channel, mobile, email, defaultCountry)) {
                case Refused refused -> rejected.add(new RejectedRow(line, null, refused.reason()));
                case Parsed parsed -> taken.add(new Row(line, null, parsed.channel(), parsed.recipient()));
            }
        }
        return new Read(received, taken, rejected);
    }

    /** One row read: taken, or refused with a reason code. */
    private sealed interface Parse permits Parsed, Refused {
    }

    private record Parsed(Channel channel, Recipient recipient) implements Parse {
    }

    private record Refused(String reason) implements Parse {
    }

    private static Parse parse(String channelName, String mobile, String email, String defaultCountry) {
        if (blank(channelName)) {
            return new Refused("channel_missing");
        }
        Optional<Channel> channel = Channel.of(channelName);
        if (channel.isEmpty()) {
            return new Refused("channel_unknown");
        }
        if (!blank(mobile) && !blank(email)) {
            return new Refused("address_ambiguous");
        }
        if (blank(mobile) && blank(email)) {
            return new Refused("address_missing");
        }
        Recipient recipient;
        if (!blank(mobile)) {
            Optional<String> e164 = mobile.length() > 32 ? Optional.empty() : RecipientResolver.mobileToE164(mobile.trim(), defaultCountry);
            if (e164.isEmpty()) {
                return new Refused("mobile_invalid");
            }
            recipient = new Recipient(CommonProperty.MOBILE, e164.get());
        } else {
            Optional<String> normalised = email.length() > 254 ? Optional.empty() : RecipientResolver.normaliseEmail(email.trim());
            if (normalised.isEmpty()) {
                return new Refused("email_invalid");
            }
            recipient = new Recipient(CommonProperty.EMAIL, normalised.get());
        }
        if (channel.get().address() != recipient.kind()) {
            return new Refused("channel_address_mismatch");
        }
        return new Parsed(channel.get(), recipient);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String value(List<String> values, List<String> header, String column) {
        int at = header.indexOf(column);
        return at < 0 ? null : values.get(at);
    }

    /** A CSV line's values, trimmed, each out of its double quotes if it stands in them. */
    private static List<String> fields(String line) {
        var values = new ArrayList<String>();
        for (String raw : line.split(",", -1)) {
            String value = raw.trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1).trim();
            }
            values.add(value);
        }
        return values;
    }
}
