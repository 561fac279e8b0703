package dev.loyaltyrelay.architecture.planted.provider.acme;

/** Planted: a provider's folder, which only the planted admin edge breaks into. */
public class AcmeAdapter {
    public static final String KEY = "acme";
}
