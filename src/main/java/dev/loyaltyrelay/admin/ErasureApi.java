package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.DeliveryBodies.Erasure;
import dev.loyaltyrelay.admin.DeliveryBodies.TestRecipient;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientPolicies;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

/** Erasure of a customer, by mobile or email. */
@ApplicationScoped
public class ErasureApi {

    /** An erasure follows records from one address to the other this many addresses at most (a person has a few). */
    static final int MAX_ERASED_ADDRESSES = 20;

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    CustomerStore customers;
    @Inject
    DeliveryLedger ledger;
    @Inject
    RecipientPolicies recipientPolicies;
    @Inject
    Clock clock;

    /**
     * Erases a customer: every customer record that carries the address (and, in turn, the other address those
     * records carry), the recipient and kept job of every delivery to any of those addresses, and any delivery still
     * waiting for a retry (ended {@code SUPPRESSED}). A job already queued about the person is not sent: the erasure is
     * remembered under a keyed hash of each address, first, so a delivery that starts meanwhile is suppressed too. The
     * person's opt-outs are left as they are: erasure removes the person, not the fact that they must not be messaged.
     */
    AdminResponse<Erasure> erase(AdminRequest<TestRecipient> request) {
        MerchantConfiguration configuration = request.merchant();
        TestRecipient given = request.body();
        String merchantId = request.merchantId();
        Contact contact = Contact.from(given.mobile(), given.email(), configuration.merchant().defaultCountry());
        Instant now = clock.instant();
        var addresses = new LinkedHashSet<Recipient>(List.of(new Recipient(contact.kind(), contact.address())));
        var profiles = new LinkedHashMap<String, CustomerProfile>();
        var toSearch = new ArrayDeque<Recipient>(addresses);
        while (!toSearch.isEmpty() && addresses.size() <= MAX_ERASED_ADDRESSES) {
            for (CustomerProfile profile : customers.withAddress(merchantId, toSearch.poll())) {
                profiles.putIfAbsent(profile.customerKey(), profile);
                for (Recipient other : profile.addresses()) {
                    if (addresses.add(other)) {
                        toSearch.add(other);
                    }
                }
            }
        }
        for (Recipient address : addresses) {
            recipientPolicies.recordErasure(new RecipientPolicies.RecipientKey(merchantId, address), now);
        }
        int deliveries = 0;
        for (Recipient address : addresses) {
            deliveries += ledger.eraseRecipient(merchantId, address, now);
        }
        profiles.values().forEach(customers::erase);
        return AdminResponse.ok(new Erasure(profiles.size(), addresses.size(), deliveries,
                "held events keep their raw body until they expire (14 days); opt-outs stay (a keyed hash, never the address), so the person is still not messaged"));
    }
}
