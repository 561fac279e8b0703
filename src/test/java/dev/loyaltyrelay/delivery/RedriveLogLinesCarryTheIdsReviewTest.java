package dev.loyaltyrelay.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.application.LogContext;
import dev.loyaltyrelay.application.delivery.Recovery;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.CapturedLogs;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 15 ("every line with the AWS request id, and where known the merchant, Nector delivery id and our
 * delivery id"). The admin API's redrive (an operator route: no merchant in its path) writes a line per letter naming the
 * delivery in its message only; the letter's job gives the merchant, Nector's delivery id and ours, so the line's context
 * should carry them, as a delivery function's lines do.
 */
@QuarkusTest
class RedriveLogLinesCarryTheIdsReviewTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    Recovery recovery;
    @Inject
    MutableClock clock;

    record Line(String message, Map<String, String> mdc) {
    }

    @Test
    void aRedrivenLettersLine_carriesItsMerchantAndDeliveryIds() {
        fixture.freshMerchant();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)));
        clock.advance(Duration.ofHours(-25));
        DeliveryJob job = fixture.zokoJob();
        clock.advance(Duration.ofHours(25));
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.EXHAUSTED, fixture.record(job).status(), "given up and dead-lettered");

        List<Line> lines = Collections.synchronizedList(new ArrayList<>());
        LogContext.startInvocation("req-redrive-review");
        try {
            CapturedLogs.during(() -> recovery.redrive(BuiltIn.ZOKO, 100, Duration.ofSeconds(20)), record -> {
                Map<String, String> mdc = record instanceof ExtLogRecord ext ? ext.getMdcCopy() : Map.of();
                String message = record.getMessage() == null ? "" : record.getParameters() == null ? record.getMessage()
                        : String.format(Locale.ROOT, record.getMessage(), record.getParameters());
                lines.add(new Line(message, Map.copyOf(mdc)));
            });
        } finally {
            LogContext.startInvocation(null);
        }
        while (fixture.poll(BuiltIn.ZOKO) > 0) {
            // the requeued letter delivered
        }

        List<Line> redriven = lines.stream().filter(line -> line.message().startsWith("redrive of zoko: delivery " + job.deliveryId())).toList();
        assertEquals(1, redriven.size(), "the letter's line: " + lines);
        Map<String, String> mdc = redriven.getFirst().mdc();
        assertEquals("req-redrive-review", mdc.get("awsRequestId"), mdc.toString());
        assertEquals(job.merchantId(), mdc.get("merchantId"), "the letter's merchant: " + mdc);
        assertEquals(job.deliveryId(), mdc.get("deliveryId"), "the letter's delivery: " + mdc);
    }
}
