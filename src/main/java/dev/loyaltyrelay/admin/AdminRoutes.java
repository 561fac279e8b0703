package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminRoutes.Body.NONE;
import static dev.loyaltyrelay.admin.AdminRoutes.Body.optional;
import static dev.loyaltyrelay.admin.AdminRoutes.Body.required;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.admin.CategoryBodies.TopicCategories;
import dev.loyaltyrelay.admin.CategoryBodies.TopicCategoryOverrides;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentBulk;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentBulkResult;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentChange;
import dev.loyaltyrelay.admin.ConsentBodies.ConsentView;
import dev.loyaltyrelay.admin.DeliveryBodies.DeadLetterCount;
import dev.loyaltyrelay.admin.DeliveryBodies.Delivery;
import dev.loyaltyrelay.admin.DeliveryBodies.DeliveryPage;
import dev.loyaltyrelay.admin.DeliveryBodies.Erasure;
import dev.loyaltyrelay.admin.DeliveryBodies.Figures;
import dev.loyaltyrelay.admin.DeliveryBodies.HeldEventList;
import dev.loyaltyrelay.admin.DeliveryBodies.HeldEventReplay;
import dev.loyaltyrelay.admin.DeliveryBodies.Redrive;
import dev.loyaltyrelay.admin.DeliveryBodies.Redriven;
import dev.loyaltyrelay.admin.DeliveryBodies.ReplayResult;
import dev.loyaltyrelay.admin.DeliveryBodies.Requeued;
import dev.loyaltyrelay.admin.DeliveryBodies.TestRecipient;
import dev.loyaltyrelay.admin.IntegrationBodies.AttentionList;
import dev.loyaltyrelay.admin.IntegrationBodies.IntegrationChange;
import dev.loyaltyrelay.admin.IntegrationBodies.IntegrationList;
import dev.loyaltyrelay.admin.IntegrationBodies.IntegrationView;
import dev.loyaltyrelay.admin.IntegrationBodies.NewIntegration;
import dev.loyaltyrelay.admin.LimitsBodies.MarketingLimitsChange;
import dev.loyaltyrelay.admin.LimitsBodies.MarketingLimitsView;
import dev.loyaltyrelay.admin.MappingBodies.Mapping;
import dev.loyaltyrelay.admin.MappingBodies.MappingList;
import dev.loyaltyrelay.admin.MappingBodies.SavedMapping;
import dev.loyaltyrelay.admin.MerchantBodies.AdminKeyList;
import dev.loyaltyrelay.admin.MerchantBodies.IssuedKey;
import dev.loyaltyrelay.admin.MerchantBodies.MerchantSettings;
import dev.loyaltyrelay.admin.MerchantBodies.MerchantSettingsChange;
import dev.loyaltyrelay.admin.MerchantBodies.NewWebhookSecret;
import dev.loyaltyrelay.admin.MerchantBodies.RetireSecret;
import dev.loyaltyrelay.admin.MerchantBodies.WebhookSecretList;
import dev.loyaltyrelay.admin.MerchantBodies.WebhookSecretView;
import dev.loyaltyrelay.admin.TestEventBodies.TestResult;
import dev.loyaltyrelay.admin.TestEventBodies.TestSend;
import dev.loyaltyrelay.domain.ConfigurationStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every admin route, in one table: method, path template ({@code /v1/admin/merchants/{merchantId}/...}), the record its
 * body binds to and the record it answers. The OpenAPI document ({@code docs/openapi.yaml}) lists exactly these, with
 * schemas equal to the records; OpenApiDocumentTest holds them together.
 */
@ApplicationScoped
public class AdminRoutes {

    static final String MERCHANT = "/v1/admin/merchants/{merchantId}";
    static final String SECRETS = MERCHANT + "/webhook-secrets";
    static final String KEYS = MERCHANT + "/admin-keys";
    static final String INTEGRATIONS = MERCHANT + "/integrations";
    static final String MAPPINGS = INTEGRATIONS + "/{integrationId}/mappings";
    static final String DELIVERIES = MERCHANT + "/deliveries";
    static final String HELD = MERCHANT + "/held-events";
    static final String CONSENT = MERCHANT + "/consent";
    static final String CATEGORIES = MERCHANT + "/topic-categories";
    static final String LIMITS = MERCHANT + "/marketing-limits";
    static final String OBSERVED = MERCHANT + "/observed-topics";
    static final String DEAD_LETTERS = "/v1/admin/providers/{provider}/dead-letters";

    /**
     * What a route's body binds to.
     *
     * @param type     the body's record; {@link Void} for a route that takes no body ({@link #NONE})
     * @param required whether a body must be given; one left out of an optional body reads as {@code {}}
     * @param maxBytes the largest body taken (413 beyond): {@link #MAX_BYTES} but for a bulk route
     * @param <B>      the record
     */
    public record Body<B>(Class<B> type, boolean required, int maxBytes) {
        /** What a route's body may weigh unless it says otherwise. */
        static final int MAX_BYTES = 65_536;
        static final Body<Void> NONE = new Body<>(Void.class, false, MAX_BYTES);

        static <B> Body<B> required(Class<B> type) {
            return new Body<>(type, true, MAX_BYTES);
        }

        static <B> Body<B> optional(Class<B> type) {
            return new Body<>(type, false, MAX_BYTES);
        }

        /** A required body of a bulk route, up to {@code maxBytes} (under Lambda's 6 MB request payload, base64 included). */
        static <B> Body<B> bulk(Class<B> type, int maxBytes) {
            return new Body<>(type, true, maxBytes);
        }
    }

    /**
     * @param method       HTTP method
     * @param template     path template with {@code {name}} parameters
     * @param operatorOnly whether only the operator key may call it
     * @param body         what its body binds to
     * @param answer       the record its 2xx answer carries; {@link Void} for none (204)
     * @param action       what it does
     */
    public record Route<B, R>(String method, String template, boolean operatorOnly, Body<B> body, Class<R> answer,
            Function<AdminRequest<B>, AdminResponse<R>> action) {

        private AdminResponse<R> handle(AdminAuth.Caller caller, Map<String, String> pathParams, Map<String, String> query, JsonNode json,
                ConfigurationStore merchants) {
            return action.apply(new AdminRequest<>(caller, pathParams, query, () -> Bodies.read(json, body), merchants));
        }
    }

    /** A matched route and its path parameters. */
    public record Match(Route<?, ?> route, Map<String, String> pathParams) {
    }

    private record Compiled(Route<?, ?> route, Pattern pattern, List<String> names) {
    }

    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z]+)}");
    private final List<Compiled> compiled = new ArrayList<>();
    private final ConfigurationStore store;

    AdminRoutes(ConfigurationStore store, MerchantsApi merchants, IntegrationsApi integrations, MappingsApi mappings, TestEventApi testEvents,
            DeliveriesApi deliveries, FiguresApi figures, HeldEventsApi held, DeadLettersApi deadLetters, ErasureApi erasure, ConsentApi consent,
            TopicCategoriesApi categories, MarketingLimitsApi limits, ObservedTrafficApi observed, ReceiptsApi receipts,
            WebhookLookupApi webhooks) {
        this.store = store;
        List<Route<?, ?>> all = List.of(
                merchant("PUT", MERCHANT, required(MerchantSettingsChange.class), MerchantSettings.class, merchants::putSettings),
                merchant("GET", MERCHANT, NONE, MerchantSettings.class, merchants::getSettings),
                merchant("POST", SECRETS, optional(NewWebhookSecret.class), WebhookSecretView.class, merchants::addSecret),
                merchant("GET", SECRETS, NONE, WebhookSecretList.class, merchants::listSecrets),
                merchant("POST", SECRETS + "/{secretId}/retire", optional(RetireSecret.class), WebhookSecretView.class, merchants::retireSecret),
                merchant("POST", KEYS, NONE, IssuedKey.class, merchants::issueKey),
                merchant("GET", KEYS, NONE, AdminKeyList.class, merchants::listKeys),
                merchant("POST", KEYS + "/{keyId}/rotate", NONE, IssuedKey.class, merchants::rotateKey),
                merchant("DELETE", KEYS + "/{keyId}", NONE, Void.class, merchants::revokeKey),

                merchant("POST", INTEGRATIONS, required(NewIntegration.class), IntegrationView.class, integrations::initialize),
                merchant("GET", INTEGRATIONS, NONE, IntegrationList.class, integrations::listIntegrations),
                merchant("GET", INTEGRATIONS + "/{integrationId}", NONE, IntegrationView.class, integrations::getIntegration),
                merchant("PATCH", INTEGRATIONS + "/{integrationId}", required(IntegrationChange.class), IntegrationView.class,
                        integrations::updateIntegration),
                merchant("DELETE", INTEGRATIONS + "/{integrationId}", NONE, Void.class, integrations::deleteIntegration),
                merchant("GET", MERCHANT + "/attention", NONE, AttentionList.class, integrations::needingAttention),
                merchant("POST", INTEGRATIONS + "/{integrationId}/receipt-url", NONE, ReceiptBodies.ReceiptUrl.class, receipts::issueUrl),
                merchant("POST", INTEGRATIONS + "/{integrationId}/receipts/reconcile", optional(ReceiptBodies.ReconcileReceipts.class),
                        ReceiptBodies.ReconciledReceipts.class, receipts::reconcile),
                merchant("GET", MERCHANT + "/opt-out-words", NONE, ReceiptBodies.OptOutWords.class, receipts::getOptOutWords),
                merchant("PUT", MERCHANT + "/opt-out-words", required(ReceiptBodies.OptOutWordsChange.class), ReceiptBodies.OptOutWords.class,
                        receipts::putOptOutWords),

                merchant("POST", MAPPINGS, required(Mapping.class), SavedMapping.class, mappings::createMapping),
                merchant("GET", MAPPINGS, NONE, MappingList.class, mappings::listMappings),
                merchant("GET", MAPPINGS + "/{mappingId}", NONE, Mapping.class, mappings::getMapping),
                merchant("PUT", MAPPINGS + "/{mappingId}", required(Mapping.class), SavedMapping.class, mappings::replaceMapping),
                merchant("DELETE", MAPPINGS + "/{mappingId}", NONE, Void.class, mappings::deleteMapping),
                merchant("POST", MAPPINGS + "/{mappingId}/test", required(TestSend.class), TestResult.class, testEvents::sendTestEvent),

                merchant("GET", DELIVERIES, NONE, DeliveryPage.class, deliveries::list),
                merchant("GET", DELIVERIES + "/{deliveryId}", NONE, Delivery.class, deliveries::one),
                merchant("POST", DELIVERIES + "/{deliveryId}/resend", NONE, Requeued.class, deliveries::resend),
                merchant("GET", MERCHANT + "/events/{nectorDeliveryId}", NONE, DeliveryBodies.WebhookLookup.class, webhooks::lookup),
                merchant("GET", MERCHANT + "/figures", NONE, Figures.class, figures::figures),
                merchant("GET", HELD, NONE, HeldEventList.class, held::heldEvents),
                merchant("POST", HELD + "/replay", optional(HeldEventReplay.class), ReplayResult.class, held::replayHeld),
                merchant("POST", MERCHANT + "/customers/erase", required(TestRecipient.class), Erasure.class, erasure::erase),
                merchant("POST", CONSENT + "/opt-out", required(ConsentChange.class), ConsentView.class, consent::optOut),
                merchant("POST", CONSENT + "/opt-in", required(ConsentChange.class), ConsentView.class, consent::optIn),
                merchant("POST", CONSENT + "/bulk", Body.bulk(ConsentBulk.class, ConsentApi.MAX_BULK_BYTES), ConsentBulkResult.class,
                        consent::bulk),
                merchant("POST", CONSENT + "/lookup", required(TestRecipient.class), ConsentView.class, consent::lookup),
                merchant("GET", CATEGORIES, NONE, TopicCategories.class, categories::get),
                merchant("PUT", CATEGORIES, required(TopicCategoryOverrides.class), TopicCategories.class, categories::put),
                merchant("GET", LIMITS, NONE, MarketingLimitsView.class, limits::get),
                merchant("PUT", LIMITS, required(MarketingLimitsChange.class), MarketingLimitsView.class, limits::put),
                merchant("GET", OBSERVED, NONE, ObservedBodies.ObservedTopicList.class, observed::list),
                merchant("GET", OBSERVED + "/{topic}", NONE, ObservedBodies.ObservedTopicView.class, observed::one),
                operator("GET", DEAD_LETTERS, NONE, DeadLetterCount.class, deadLetters::deadLetters),
                operator("POST", DEAD_LETTERS + "/redrive", optional(Redrive.class), Redriven.class, deadLetters::redrive));
        for (Route<?, ?> route : all) {
            List<String> names = new ArrayList<>();
            Matcher m = PARAMETER.matcher(route.template());
            StringBuilder regex = new StringBuilder("^");
            int last = 0;
            while (m.find()) {
                String segment = PERCENT_ENCODED.contains(m.group(1)) ? "([^/]{1,384})" : "([A-Za-z0-9_.:-]{1,128})";
                regex.append(Pattern.quote(route.template().substring(last, m.start()))).append(segment);
                names.add(m.group(1));
                last = m.end();
            }
            regex.append(Pattern.quote(route.template().substring(last))).append("/?$");
            compiled.add(new Compiled(route, Pattern.compile(regex.toString()), names));
        }
    }

    private static <B, R> Route<B, R> merchant(String method, String template, Body<B> body, Class<R> answer,
            Function<AdminRequest<B>, AdminResponse<R>> action) {
        return new Route<>(method, template, false, body, answer, action);
    }

    private static <B, R> Route<B, R> operator(String method, String template, Body<B> body, Class<R> answer,
            Function<AdminRequest<B>, AdminResponse<R>> action) {
        return new Route<>(method, template, true, body, answer, action);
    }

    /** Every route (for the OpenAPI check). */
    public List<Route<?, ?>> all() {
        return compiled.stream().<Route<?, ?>>map(Compiled::route).toList();
    }

    /** Runs the matched route's action on the call, its JSON body bound when the action asks for it. */
    AdminResponse<?> handle(Match match, AdminAuth.Caller caller, Map<String, String> query, JsonNode json) {
        return match.route().handle(caller, match.pathParams(), query, json, store);
    }

    /**
     * Path parameters that are not ids of ours but another system's, taken as they are: Nector's delivery id is any 1 to
     * 128 printable ASCII characters (what ingest accepts), so the segment is matched wide and percent-decoded (a
     * {@code /}, {@code ?}, {@code #} or {@code %} in it arrives as {@code %2F}, {@code %3F}, {@code %23}, {@code %25}).
     */
    static final java.util.Set<String> PERCENT_ENCODED = java.util.Set.of("nectorDeliveryId");

    /** RFC 3986 percent-decoding of one path segment ({@code +} is itself, not a space); 400 when it is not well formed. */
    static String percentDecoded(String name, String segment) {
        var bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length() || Character.digit(segment.charAt(i + 1), 16) < 0 || Character.digit(segment.charAt(i + 2), 16) < 0) {
                    throw ApiProblem.invalid(name, "a % in the path must start an escape such as %2F");
                }
                bytes.write(Character.digit(segment.charAt(i + 1), 16) * 16 + Character.digit(segment.charAt(i + 2), 16));
                i += 2;
            } else if (c < 0x21 || c > 0x7e) {
                // Only printable ASCII stands for itself in a path (anything else arrives escaped): written as a byte,
                // a raw "Ł" would read as "A", an alias of another id.
                throw ApiProblem.invalid(name, "a character outside printable ASCII must be percent-encoded");
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** @throws ApiProblem 404 for an unknown path, 405 for a known path with another method */
    Match match(String method, String path) {
        boolean pathKnown = false;
        for (Compiled candidate : compiled) {
            Matcher m = candidate.pattern().matcher(path);
            if (!m.matches()) {
                continue;
            }
            pathKnown = true;
            if (candidate.route().method().equals(method)) {
                var params = new LinkedHashMap<String, String>();
                for (int i = 0; i < candidate.names().size(); i++) {
                    String name = candidate.names().get(i);
                    params.put(name, PERCENT_ENCODED.contains(name) ? percentDecoded(name, m.group(i + 1)) : m.group(i + 1));
                }
                return new Match(candidate.route(), params);
            }
        }
        if (pathKnown) {
            throw new ApiProblem(405, "method_not_allowed", "this path does not take " + method);
        }
        throw new ApiProblem(404, "no_such_route", "no admin route at this path");
    }
}
