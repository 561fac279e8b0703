package dev.loyaltyrelay.store;

import dev.loyaltyrelay.config.RelayConfig;
import jakarta.enterprise.context.ApplicationScoped;

/** The table names in force, from configuration (never hard-coded: each stage has its own tables). */
@ApplicationScoped
public class Tables {

    private final RelayConfig config;

    Tables(RelayConfig config) {
        this.config = config;
    }

    public String config() {
        return config.tables().config();
    }

    public String records() {
        return config.tables().records();
    }
}
