package dev.loyaltyrelay.support;

import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The log records written while something runs (JBoss LogManager is the JDK's log manager in the tests). */
public final class CapturedLogs {

    private CapturedLogs() {
    }

    /** Hands each log record written, by any thread, while {@code action} runs to {@code written}, as it is written. */
    public static void during(Runnable action, Consumer<LogRecord> written) {
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord entry) {
                written.accept(entry);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(capture);
        try {
            action.run();
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
    }
}
