package dev.loyaltyrelay.hello;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import jakarta.inject.Named;
import java.util.Map;

/** The benchmark's peer: takes any JSON event, answers an API Gateway-shaped hello. */
@Named("hello")
public class HelloHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Map.of("statusCode", 200, "body", "hello, " + event.size() + " fields");
    }
}
