package dev.loyaltyrelay.provider.bitespeed;

/**
 * Everything assumed about BiteSpeed's API, in one place. BiteSpeed publishes no API contract; the guide gives
 * only the fields a merchant enters (Channel ID, User ID, a template ID and ordered variables). When the real
 * contract is known, change these constants and {@link BiteSpeedApi.TemplateMessage}, and nothing else.
 *
 * <ul>
 *   <li>ASSUMED base URL: {@value #DEFAULT_BASE_URL} (configuration {@code quarkus.rest-client.bitespeed.url})</li>
 *   <li>ASSUMED path: {@code POST /v1/whatsapp/template-messages}</li>
 *   <li>ASSUMED headers: {@value #CHANNEL_HEADER} (the Channel ID) and {@value #USER_HEADER} (the User ID)</li>
 *   <li>ASSUMED body: {@code {"phone":"+919876543210","templateId":"...","language":"en","variables":["Riya","100"]}}</li>
 *   <li>ASSUMED success: 2xx with {@code messageId} or {@code id}; errors classified like every provider's</li>
 * </ul>
 */
public final class BiteSpeedContract {

    public static final String DEFAULT_BASE_URL = "https://api.bitespeed.co";
    public static final String PATH = "/v1/whatsapp/template-messages";
    public static final String CHANNEL_HEADER = "x-bitespeed-channel-id";
    public static final String USER_HEADER = "x-bitespeed-user-id";

    private BiteSpeedContract() {
    }
}
