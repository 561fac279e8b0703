package dev.loyaltyrelay.provider.wigzo;

/** Lets tests compute the Wigzo user id the adapter derives. */
public final class WigzoAdapterAccess {
    private WigzoAdapterAccess() {
    }

    public static String userId(String merchantId, String email) {
        return WigzoAdapter.userId(merchantId, email);
    }
}
