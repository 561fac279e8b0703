package dev.loyaltyrelay.architecture.planted.application;

import com.amazonaws.services.lambda.runtime.Context;
import dev.loyaltyrelay.architecture.planted.admin.PlantedAdminEdge;

/** A planted violation: a use case that reads a Lambda type and reaches back into an edge. */
public class PlantedUseCase {
    public String run(Context context) {
        return context.getAwsRequestId() + new PlantedAdminEdge().replay();
    }
}
