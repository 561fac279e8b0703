package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.OutboundMessage;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.ProviderProfile;
import java.util.List;
import java.util.Optional;

/**
 * A provider's plug-in: everything the relay knows of one provider, in the provider's own folder. Its profile, its
 * credentials as a typed record, its credential check and template list where its API has them, its wire format
 * (shapes an {@link OutboundMessage} into the provider's request and makes the call through its REST client) and
 * how its answers read. A CDI bean implementing this interface is registered: {@link ProviderRegistry} finds it.
 *
 * @param <C> the provider's credentials: a record whose components are the fields a merchant enters at Initialize
 *            (see {@link CredentialRecords}); its {@code toString} must not show a value
 */
public interface ProviderAdapter<C extends Record> {

    ProviderProfile profile();

    Class<C> credentialType();

    /** What the provider says of the credentials at Initialize, where its API has a read-only call to ask. */
    default CredentialCheck check(C credentials) {
        return new CredentialCheck.NotAvailable();
    }

    /**
     * What a merchant should know of the credentials it entered, sentence by sentence (which token each way of sending
     * takes): said in the Initialize answer. Empty when there is nothing to add.
     */
    default List<String> credentialUse() {
        return List.of();
    }

    /** Whether {@link #templates} asks the provider. */
    default boolean listsTemplates() {
        return false;
    }

    /** The account's templates, for checking a mapping when it is saved, where the provider's API lists them. */
    default TemplateList templates(C credentials) {
        return new TemplateList.NotOffered();
    }

    /**
     * Requests that must succeed before the message request (Wigzo identifies the recipient first). They send no
     * message, so whatever becomes of them (a timeout included) is worth a retry: only the message request can
     * have an unknown outcome. The delivery is claimed only after this step succeeded.
     *
     * @return empty when the message may be sent; otherwise why not ({@link DeliveryOutcome.RetryLater} or
     *         {@link DeliveryOutcome.Rejected})
     * @throws ProviderCallFailed when there is no usable answer
     */
    default Optional<DeliveryOutcome> prepare(OutboundMessage message, C credentials) {
        return Optional.empty();
    }

    /** Whether this provider has a {@link #prepare} step. */
    default boolean preparesFirst() {
        return false;
    }

    /** What {@link #prepare} does, for reason codes ({@code identify_timeout}). */
    default String preparation() {
        return "preparation";
    }

    /**
     * Sends one message: the one request that makes the provider message the customer.
     *
     * @return {@link DeliveryOutcome.Sent}, {@link DeliveryOutcome.RetryLater} or {@link DeliveryOutcome.Rejected}
     * @throws ProviderCallFailed when there is no usable answer: a 5xx, no connection, a timeout, a lost response
     */
    DeliveryOutcome send(OutboundMessage message, C credentials);

    /** @throws ProviderCredentials.Incomplete when a field is missing or blank */
    default C credentials(ProviderCredentials opened) {
        return CredentialRecords.read(credentialType(), opened);
    }

    // The four calls below take an integration's opened credentials, so a caller holding an adapter of an unknown
    // credential type (ProviderAdapter<?>) can make them.

    default CredentialCheck checkOpened(ProviderCredentials opened) {
        return check(credentials(opened));
    }

    default TemplateList templatesOpened(ProviderCredentials opened) {
        return templates(credentials(opened));
    }

    default Optional<DeliveryOutcome> prepareOpened(OutboundMessage message, ProviderCredentials opened) {
        return prepare(message, credentials(opened));
    }

    default DeliveryOutcome sendOpened(OutboundMessage message, ProviderCredentials opened) {
        return send(message, credentials(opened));
    }

    /** What a provider said of credentials it was asked to check at Initialize. */
    sealed interface CredentialCheck {

        /** The provider accepted them. */
        record Verified() implements CredentialCheck {
        }

        /** The provider refused them (its HTTP status). */
        record Refused(int httpStatus) implements CredentialCheck {
        }

        /** The provider could not be asked now (down, timeout, unreadable answer). */
        record Unavailable(String reason) implements CredentialCheck {
        }

        /** The provider has no read-only call to ask: the first send (a test event) tells. */
        record NotAvailable() implements CredentialCheck {
        }
    }
}
