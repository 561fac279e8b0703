package dev.loyaltyrelay.admin;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every admin route, by method and path template ({@code /v1/admin/merchants/{merchantId}/...}). The OpenAPI
 * document ({@code docs/openapi.yaml}) lists exactly these; a test holds them together.
 */
@ApplicationScoped
public class AdminRoutes {

    /**
     * @param method       HTTP method
     * @param template     path template with {@code {name}} parameters
     * @param operatorOnly whether only the operator key may call it
     * @param action       what it does
     */
    public record Route(String method, String template, boolean operatorOnly, Function<AdminRequest, AdminResponse> action) {
        static Route merchant(String method, String template, Function<AdminRequest, AdminResponse> action) {
            return new Route(method, template, false, action);
        }

        static Route operator(String method, String template, Function<AdminRequest, AdminResponse> action) {
            return new Route(method, template, true, action);
        }
    }

    /** A matched route and its path parameters. */
    public record Match(Route route, Map<String, String> pathParams) {
    }

    private record Compiled(Route route, Pattern pattern, List<String> names) {
    }

    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z]+)}");
    private final List<Compiled> compiled = new ArrayList<>();

    AdminRoutes(MerchantsApi merchants, IntegrationsApi integrations, MappingsApi mappings, TestEventApi testEvents, DeliveriesApi deliveries) {
        List<Route> all = new ArrayList<>();
        all.addAll(merchants.routes());
        all.addAll(integrations.routes());
        all.addAll(mappings.routes());
        all.addAll(testEvents.routes());
        all.addAll(deliveries.routes());
        for (Route route : all) {
            List<String> names = new ArrayList<>();
            Matcher m = PARAMETER.matcher(route.template());
            StringBuilder regex = new StringBuilder("^");
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(route.template().substring(last, m.start()))).append("([A-Za-z0-9_.:-]{1,128})");
                names.add(m.group(1));
                last = m.end();
            }
            regex.append(Pattern.quote(route.template().substring(last))).append("/?$");
            compiled.add(new Compiled(route, Pattern.compile(regex.toString()), names));
        }
    }

    /** Every route (for the OpenAPI check). */
    public List<Route> all() {
        return compiled.stream().map(Compiled::route).toList();
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
                    params.put(candidate.names().get(i), m.group(i + 1));
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
