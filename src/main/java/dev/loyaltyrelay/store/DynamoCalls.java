package dev.loyaltyrelay.store;

import dev.loyaltyrelay.domain.StoreUnavailable;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Translates the SDK's failures into the domain's at the edge; a failed condition is for the caller to read. */
final class DynamoCalls {

    private DynamoCalls() {
    }

    static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (ConditionalCheckFailedException e) {
            throw e;
        } catch (SdkException e) {
            if (e instanceof DynamoDbException refused && refused.awsErrorDetails() != null
                    && "ValidationException".equals(refused.awsErrorDetails().errorCode())) {
                // DynamoDB refused the request itself: retrying cannot help, so it is not "unavailable".
                throw new StoreRefused(operation, refused);
            }
            throw new StoreUnavailable(operation, e);
        }
    }
}
