package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.VariableRenderer;
import dev.loyaltyrelay.domain.VariableRenderer.Rendered;
import dev.loyaltyrelay.domain.VariableRenderer.Unrenderable;
import dev.loyaltyrelay.domain.OutboundMessage;

/**
 * Turns a job into the message an adapter sends: the mapping's variables rendered in order, the forwarded
 * properties selected. The delivery functions and the admin API's test send use the same composition.
 */
public final class MessageComposer {

    private MessageComposer() {
    }

    /** A message ready to send, or the reason code it cannot be. */
    public sealed interface Composition permits Composed, Refused {
    }

    public record Composed(OutboundMessage message) implements Composition {
    }

    /**
     * @param reason   a reason code, e.g. {@code variable_missing:amount}
     * @param position the 1-based variable that failed, or 0
     * @param property its property, or null
     */
    public record Refused(String reason, int position, String property) implements Composition {
    }

    public static Composition compose(DeliveryJob job, ProviderProfile provider, Merchant merchant) {
        EventMapping mapping = job.mapping();
        boolean whatsAppTemplate = provider.rendersWhatsAppTemplate(mapping);
        if (provider.sendsWhatsAppTemplates() && !mapping.sendsTemplate()) {
            return new Refused("template_id_missing", 0, null);
        }
        return switch (VariableRenderer.render(mapping.variables(), job.properties(), merchant.timezone(), whatsAppTemplate)) {
            case Unrenderable unrenderable -> new Refused(unrenderable.reason(), unrenderable.position(), unrenderable.property());
            case Rendered rendered -> new Composed(new OutboundMessage(job.deliveryId(), job.merchantId(), job.provider(), job.recipient(),
                    mapping.templateId(), mapping.language(), mapping.effectiveEventName(), rendered.values(),
                    mapping.forwarded().select(job.properties()), mapping.templateType(), mapping.mediaHeaderUrl()));
        };
    }
}
