package dev.loyaltyrelay.domain;

/**
 * A merchant's configuration was written by this process. Other processes learn of it through the configuration's
 * version ({@link ConfigurationStore#version}); this process's caches drop the merchant at once.
 */
public record ConfigurationChanged(String merchantId) {
}
