package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.ConfigurationStore.RefusalFlag;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.OperationalEvent.IntegrationNeedsAttention;
import dev.loyaltyrelay.domain.OperationalEvents;
import dev.loyaltyrelay.domain.BreakerListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * The one writer of an integration's attention flag: why it needs the merchant, and since when. Deliveries, test sends,
 * the breaker and new credentials all go through here, so the rules between the two reasons are these, and only these:
 * <ul>
 *   <li>{@code credentials_refused} (the provider answered 401/403), or Meta's own reason for refusing the account
 *       ({@code meta_190} expired token, {@code meta_131031} locked account, ...: the codes that need the integration in
 *       {@code provider/MetaErrorCodes}): set only while the refused credentials are still the integration's, so a warm
 *       function holding a key the merchant already replaced flags nothing; it replaces {@code provider_failing}; a later
 *       refusal keeps the first one's reason and time; it stops sending ({@link #stopsSending}); only initializing the
 *       integration again clears it, not switching the integration off and on;</li>
 *   <li>{@code provider_failing} (the integration's breaker opened): set only on an integration with no flag, so it
 *       never hides refused credentials; cleared when the breaker closes, and only while it is still the flag.</li>
 * </ul>
 * The store applies each rule in the same conditional write that sets or clears the flag, so two functions writing at
 * once cannot break them. The merchant's systems hear of a flag ({@code Integration Needs Attention}) from the writer
 * whose conditional write set it, after it: a later refusal, a repeated job or a racing function that finds the flag
 * set publishes nothing.
 */
@ApplicationScoped
public class IntegrationAttention implements BreakerListener {

    public static final String CREDENTIALS_REFUSED = Rejected.CREDENTIALS_REFUSED;
    public static final String PROVIDER_FAILING = Integration.Attention.PROVIDER_FAILING;

    private final ConfigurationStore store;
    private final OperationalEvents events;
    private final Clock clock;

    IntegrationAttention(ConfigurationStore store, OperationalEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The provider refused the credentials {@code refusedWith} holds (a delivery's or a test send's).
     *
     * @return {@link RefusalFlag#CREDENTIALS_REPLACED} when the merchant replaced them since: the refusal was of the old
     *         ones and nothing is flagged
     * @throws dev.loyaltyrelay.domain.StoreUnavailable when the flag cannot be written
     */
    public RefusalFlag credentialsRefused(Integration refusedWith) {
        return refused(refusedWith, Rejected.CREDENTIALS_REFUSED);
    }

    /**
     * The provider refused the integration {@code refusedWith} holds, for {@code reason} (the rejection's reason code).
     *
     * @see #credentialsRefused(Integration)
     */
    public RefusalFlag refused(Integration refusedWith, String reason) {
        RefusalFlag flag = store.flagRefusedCredentials(refusedWith.merchantId(), refusedWith.integrationId(), refusedWith.credentials(),
                reason, clock.instant());
        if (flag == RefusalFlag.FLAGGED) {
            events.publish(new IntegrationNeedsAttention(refusedWith.merchantId(), refusedWith.integrationId(),
                    refusedWith.provider().key(), reason));
        }
        return flag;
    }

    @Override
    public void providerFailing(IntegrationKey integration, Provider provider) {
        if (store.markAttention(integration.merchantId(), integration.integrationId(),
                new Integration.Attention(PROVIDER_FAILING, clock.instant()))) {
            events.publish(new IntegrationNeedsAttention(integration.merchantId(), integration.integrationId(),
                    provider == null ? null : provider.key(), PROVIDER_FAILING));
        }
    }

    @Override
    public void providerRecovered(IntegrationKey integration) {
        store.clearAttention(integration.merchantId(), integration.integrationId(), PROVIDER_FAILING);
    }

    /**
     * The flag an integration keeps when the merchant gives it new credentials: none. A refusal was of the old credentials,
     * and a provider still failing is flagged again when its breaker next opens.
     */
    public static Integration.Attention afterNewCredentials() {
        return null;
    }

    /** Whether the flag keeps deliveries from being sent: a refused integration would only be refused again. */
    public static boolean stopsSending(Integration integration) {
        return integration.attention() != null && integration.attention().stopsSending();
    }
}
