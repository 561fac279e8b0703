package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.RecipientResolver;
import java.util.Optional;

/**
 * A customer's mobile or email as a request body gives it ({@code {"mobile": ...}} or {@code {"email": ...}},
 * exactly one), normalised as ingest normalises it: E.164 with the merchant's default country, lower-cased email.
 */
record Contact(CommonProperty kind, String address) {

    static Contact from(String mobile, String email, String defaultCountry) {
        if ((mobile != null) == (email != null)) {
            throw ApiProblem.invalid("mobile", "give exactly one of mobile or email");
        }
        if (mobile != null) {
            return new Contact(CommonProperty.MOBILE, RecipientResolver.mobileToE164(Fields.requiredText("mobile", mobile, 32), defaultCountry)
                    .orElseThrow(() -> ApiProblem.invalid("mobile", "not a valid mobile number")));
        }
        return new Contact(CommonProperty.EMAIL, RecipientResolver.normaliseEmail(Fields.requiredText("email", email, 254))
                .orElseThrow(() -> ApiProblem.invalid("email", "not a valid email address")));
    }

    Optional<CustomerProfile> find(CustomerStore customers, String merchantId) {
        return kind == CommonProperty.MOBILE ? customers.findByMobile(merchantId, address) : customers.findByEmail(merchantId, address);
    }

    String field() {
        return kind == CommonProperty.MOBILE ? "mobile" : "email";
    }

    @Override
    public String toString() {
        return "Contact[" + kind + "]";
    }
}
