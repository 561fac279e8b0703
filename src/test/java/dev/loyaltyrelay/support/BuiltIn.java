package dev.loyaltyrelay.support;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.bitespeed.BiteSpeedAdapter;
import dev.loyaltyrelay.provider.delightchat.DelightChatAdapter;
import dev.loyaltyrelay.provider.limechat.LimeChatAdapter;
import dev.loyaltyrelay.provider.wigzo.WigzoAdapter;
import dev.loyaltyrelay.provider.zoko.ZokoAdapter;
import java.util.List;

/**
 * The five providers this build ships, for tests that exercise each (the template's per-provider resources, the
 * engines' queues, the providers' stubs). A provider added by a plug-in alone (the test tree's echo) is not among
 * them: it has no template block.
 */
public final class BuiltIn {

    public static final Provider LIMECHAT = LimeChatAdapter.PROFILE.provider();
    public static final Provider DELIGHTCHAT = DelightChatAdapter.PROFILE.provider();
    public static final Provider BITESPEED = BiteSpeedAdapter.PROFILE.provider();
    public static final Provider ZOKO = ZokoAdapter.PROFILE.provider();
    public static final Provider WIGZO = WigzoAdapter.PROFILE.provider();

    public static final List<ProviderProfile> PROFILES = List.of(LimeChatAdapter.PROFILE, DelightChatAdapter.PROFILE,
            BiteSpeedAdapter.PROFILE, ZokoAdapter.PROFILE, WigzoAdapter.PROFILE);
    public static final List<Provider> ALL = PROFILES.stream().map(ProviderProfile::provider).toList();

    /** Providers registered by a plug-in in the test tree alone (no template block): the engines and stubs serve them too. */
    public static final List<Provider> TEST_TREE = List.of(dev.loyaltyrelay.provider.echo.EchoAdapter.PROFILE.provider());

    private BuiltIn() {
    }

    /** For {@code @MethodSource("dev.loyaltyrelay.support.BuiltIn#all")}. */
    public static List<Provider> all() {
        return ALL;
    }

    public static ProviderProfile profile(Provider provider) {
        return PROFILES.stream().filter(p -> p.provider().equals(provider)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a built-in provider: " + provider));
    }
}
