package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.application.delivery.IntegrationDirectory;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.domain.DeliveryIds;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import dev.loyaltyrelay.figures.FiguresHandler;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.FiguresStream;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A fresh merchant with a Zoko and a Wigzo integration, jobs for it, and the provider functions fed the way Lambda's
 * SQS event source feeds them: from the real queue ({@link #poll}) or with a given receive count ({@link #invoke}).
 */
@ApplicationScoped
public class DeliveryFixture {

    static final String ZOKO_PATH = "/v2/message";
    static final String MOBILE = "+919876543210";
    static final String EMAIL = "riya@example.com";

    private final DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    private final DeliveryFunction wigzo = DeliveryFunction.of(BuiltIn.WIGZO);
    private final TestMerchants merchants;
    private final DeliveryLedger ledger;
    private final DeliveryJobCodec codec;
    private final MutableClock clock;
    private final IntegrationDirectory integrations;
    private final DeliveryFigures figures;
    private final FiguresHandler projection;
    private String merchantId;

    DeliveryFixture(TestMerchants merchants, DeliveryLedger ledger, DeliveryJobCodec codec,
            MutableClock clock, IntegrationDirectory integrations, DeliveryFigures figures, FiguresHandler projection) {
        this.merchants = merchants;
        this.ledger = ledger;
        this.codec = codec;
        this.clock = clock;
        this.integrations = integrations;
        this.figures = figures;
        this.projection = projection;
    }

    /** A new merchant with {@code zoko-1} and {@code wigzo-1}; empty queues, stubs and caches; the clock at the samples' time. */
    String freshMerchant() {
        clock.set(Webhooks.SIGNED_AT);
        DynamoFaults.clear();
        ProviderStubs.resetAll();
        Queues.purgeAll();
        integrations.forgetAll();
        merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-key-0001"));
        merchants.integration(merchantId, "wigzo-1", BuiltIn.WIGZO, true, Map.of("orgToken", "wz-org", "apiToken", "wz-token-0001"));
        return merchantId;
    }

    String merchantId() {
        return merchantId;
    }

    DeliveryJob zokoJob(String integrationId, Map<String, Object> properties) {
        var mapping = new EventMapping(integrationId, "wallet", "walletreward_create", "wallet_reward_v1", null,
                List.of(new TemplateVariable("user_name", "there"), new TemplateVariable("amount", null)), "en", ForwardedProperties.NONE);
        return job(BuiltIn.ZOKO, integrationId, mapping, new Recipient(CommonProperty.MOBILE, MOBILE), properties);
    }

    DeliveryJob zokoJob() {
        return zokoJob("zoko-1", Map.of("user_name", "Riya", "amount", 100));
    }

    DeliveryJob wigzoJob() {
        var mapping = new EventMapping("wigzo-1", "wallet", "walletreward_create", null, "wallet_coins_rewarded", List.of(), null,
                ForwardedProperties.defaultFor(BuiltIn.profile(BuiltIn.WIGZO)));
        return job(BuiltIn.WIGZO, "wigzo-1", mapping, new Recipient(CommonProperty.EMAIL, EMAIL), Map.of("user_name", "Riya", "amount", 100));
    }

    private DeliveryJob job(Provider provider, String integrationId, EventMapping mapping, Recipient recipient, Map<String, Object> properties) {
        String nectorId = "nd-" + UUID.randomUUID();
        return new DeliveryJob(DeliveryJob.SCHEMA_VERSION, DeliveryIds.derive(merchantId, nectorId, integrationId, mapping.mappingId()),
                merchantId, nectorId, mapping.topic(), provider, integrationId, recipient, mapping, properties, clock.instant());
    }

    String encode(DeliveryJob job) {
        return codec.encode(job);
    }

    /** Puts the job's message on its provider's queue (again: a redelivered copy). */
    void enqueue(DeliveryJob job) {
        enqueue(job.provider(), codec.encode(job));
    }

    void enqueue(Provider provider, String body) {
        LocalAws.get().sqs.sendMessage(r -> r.queueUrl(LocalAws.get().queueUrls.get(provider)).messageBody(body));
    }

    /** One batch from the provider's queue through its function, as Lambda's event source does it. */
    int poll(Provider provider) {
        return new SqsEventSource(LocalAws.get().sqs, LocalAws.get().queueUrls.get(provider)).pollOnce(event -> handler(provider, event), 0);
    }

    /** The job straight to its provider's function as a message SQS has handed out {@code receiveCount} times. */
    SQSBatchResponse invoke(DeliveryJob job, int receiveCount) {
        var message = new SQSEvent.SQSMessage();
        message.setMessageId(UUID.randomUUID().toString());
        message.setBody(codec.encode(job));
        message.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        var event = new SQSEvent();
        event.setRecords(List.of(message));
        return handler(job.provider(), event);
    }

    private SQSBatchResponse handler(Provider provider, SQSEvent event) {
        return switch (provider.key()) {
            case "zoko" -> zoko.handleRequest(event, null);
            case "wigzo" -> wigzo.handleRequest(event, null);
            default -> throw new IllegalArgumentException("no fixture for " + provider);
        };
    }

    DeliveryRecord record(DeliveryJob job) {
        return ledger.find(job.deliveryId()).orElseThrow();
    }

    static int calls(Provider provider) {
        return ProviderStubs.requests(provider).size();
    }

    /** The merchant's figure totals around the samples' day (jobs may be stamped a day earlier): outcome to count. */
    Map<String, Long> totals() {
        FiguresStream.project(projection);
        var totals = new TreeMap<String, Long>();
        LocalDate day = LocalDate.ofInstant(Webhooks.SIGNED_AT, ZoneOffset.UTC);
        figures.read(merchantId, day.minusDays(2), day.plusDays(1)).forEach(f -> totals.merge(f.outcome().name().toLowerCase(Locale.ROOT), f.count(), Long::sum));
        totals.values().removeIf(count -> count == 0);
        return totals;
    }
}
