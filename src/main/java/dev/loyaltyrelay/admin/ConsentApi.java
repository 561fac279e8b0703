package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.ConsentBodies.ChannelConsent;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentBulk;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentBulkResult;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentChange;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentView;
import dev.loyaltyrelay.admin.DeliveryBodies.TestRecipient;
import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.OperationalEvent;
import dev.loyaltyrelay.domain.OperationalEvents;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.Consent;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentSource;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Consent: a merchant opts a recipient out of a channel (WhatsApp, email, SMS) and back in, one at a time or up to
 * {@link #MAX_BULK_ENTRIES} in one call, and looks a recipient's consent up. The address travels in the body, never the
 * URL (it is personal data), and is kept only as a keyed hash ({@link RecipientPolicies}). An opt-out never expires and
 * outlives the recipient's erasure; every delivery on that channel is then suppressed ({@code opted_out}).
 */
@ApplicationScoped
public class ConsentApi {

    static final int MAX_BULK_ENTRIES = 10_000;
    /** 10,000 rows of the longest email fit (3 MiB, about 4 MiB as base64: under Lambda's 6 MB request payload). */
    static final int MAX_BULK_BYTES = 3 << 20;

    private static final Logger LOG = Logger.getLogger(ConsentApi.class);

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    RecipientPolicies policies;
    @Inject
    OperationalEvents events;
    @Inject
    Clock clock;

    AdminResponse<ConsentView> optOut(AdminRequest<ConsentChange> request) {
        return change(request, true);
    }

    AdminResponse<ConsentView> optIn(AdminRequest<ConsentChange> request) {
        return change(request, false);
    }

    AdminResponse<ConsentView> lookup(AdminRequest<TestRecipient> request) {
        MerchantConfiguration configuration = request.merchant();
        Contact contact = Contact.from(request.body().mobile(), request.body().email(), configuration.merchant().defaultCountry());
        return AdminResponse.ok(view(new RecipientKey(request.merchantId(), new Recipient(contact.kind(), contact.address()))));
    }

    AdminResponse<ConsentBulkResult> bulk(AdminRequest<ConsentBulk> request) {
        MerchantConfiguration configuration = request.merchant();
        ConsentBulk body = request.body();
        boolean optedOut = switch (Fields.requiredText("action", body.action(), 16)) {
            case "opt_out" -> true;
            case "opt_in" -> false;
            default -> throw ApiProblem.invalid("action", "one of opt_out, opt_in");
        };
        ConsentRows.Read rows = ConsentRows.from(body, configuration.merchant().defaultCountry(), MAX_BULK_ENTRIES);
        Consent consent = new Consent(optedOut, clock.instant(), ConsentSource.MERCHANT);
        Map<String, RecipientPolicies.ConsentChange> changes = new LinkedHashMap<>();
        for (ConsentRows.Row row : rows.taken()) {
            var key = new RecipientKey(request.merchantId(), row.recipient());
            changes.putIfAbsent(row.channel().name() + "\n" + row.recipient().kind() + "\n" + row.recipient().address(),
                    new RecipientPolicies.ConsentChange(key, row.channel(), consent));
        }
        if (!changes.isEmpty()) {
            policies.recordConsent(changes.values());
            if (optedOut) {
                // Unlike one opt-out, an upload is not read first (that is a read per row): every recipient it opts out is
                // told to the merchant's systems, one already opted out included (at least once, as the single call's race).
                events.publishAll(changes.values().stream().<OperationalEvent>map(change -> new OperationalEvent.RecipientOptedOut(
                        request.merchantId(), change.channel().name(), OperationalEvent.recipientHash(request.merchantId(),
                                change.recipient().recipient()), "merchant", null, null, null)).toList());
            }
        }
        int duplicates = rows.taken().size() - changes.size();
        LOG.infof("consent: merchant %s %s in bulk: %d rows, %d applied, %d duplicates, %d rejected", request.merchantId(),
                optedOut ? "opted out" : "opted in", rows.received(), changes.size(), duplicates, rows.rejected().size());
        return AdminResponse.ok(new ConsentBulkResult(optedOut ? "opt_out" : "opt_in", rows.received(), changes.size(), duplicates,
                rows.rejected().size(), rows.rejected()));
    }

    private AdminResponse<ConsentView> change(AdminRequest<ConsentChange> request, boolean optedOut) {
        MerchantConfiguration configuration = request.merchant();
        ConsentChange body = request.body();
        Channel channel = Channel.of(Fields.requiredText("channel", body.channel(), 16))
                .orElseThrow(() -> ApiProblem.invalid("channel", "one of WHATSAPP, EMAIL, SMS"));
        Contact contact = Contact.from(body.mobile(), body.email(), configuration.merchant().defaultCountry());
        if (channel.address() != contact.kind()) {
            throw ApiProblem.invalid("channel", "WHATSAPP and SMS take a mobile, EMAIL an email");
        }
        var key = new RecipientKey(request.merchantId(), new Recipient(contact.kind(), contact.address()));
        Instant now = clock.instant();
        // Read first so that opting out a recipient who already was tells the merchant's systems nothing new; two calls
        // racing can both publish (at least once).
        Consent before = optedOut ? policies.consentOf(key).get(channel) : null;
        policies.recordConsent(List.of(new RecipientPolicies.ConsentChange(key, channel, new Consent(optedOut, now, ConsentSource.MERCHANT))));
        if (optedOut && (before == null || !before.optedOut())) {
            events.publish(new OperationalEvent.RecipientOptedOut(request.merchantId(), channel.name(),
                    OperationalEvent.recipientHash(request.merchantId(), key.recipient()), "merchant", null, null, null));
        }
        LOG.infof("consent: merchant %s opted %s %s %s", request.merchantId(), key.recipient().masked(), optedOut ? "out of" : "back into", channel);
        return AdminResponse.ok(view(key));
    }

    /** The recipient's consent on every channel that reaches their address; one with nothing recorded is not opted out. */
    private ConsentView view(RecipientKey key) {
        Map<Channel, Consent> recorded = policies.consentOf(key);
        List<ChannelConsent> channels = Arrays.stream(Channel.values()).filter(channel -> channel.address() == key.recipient().kind())
                .map(channel -> {
                    Consent consent = recorded.get(channel);
                    return consent == null ? new ChannelConsent(channel.name(), false, null, null)
                            : new ChannelConsent(channel.name(), consent.optedOut(), Fields.timestamp(consent.changedAt()),
                                    consent.source().name().toLowerCase(Locale.ROOT));
                }).toList();
        return new ConsentView(key.recipient().masked(), channels);
    }
}
