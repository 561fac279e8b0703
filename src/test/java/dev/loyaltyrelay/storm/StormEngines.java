package dev.loyaltyrelay.storm;

import java.util.LinkedHashMap;
import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.local.TemplateResources;
import dev.loyaltyrelay.provider.bitespeed.BiteSpeedContract;
import dev.loyaltyrelay.support.LocalAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The storm's own engines beside the shared DynamoDB Local: an ElasticMQ whose clock is the storm's
 * ({@link SimulatedTime}), with the template's queues, and one WireMock per provider answering through a
 * {@link ChaosTransformer}. Started once per JVM, on free loopback ports.
 */
final class StormEngines {

    private static StormEngines instance;

    final URI sqsEndpoint;
    final SqsClient sqs;
    final Map<Provider, String> queueUrls = new LinkedHashMap<>();
    final Map<Provider, String> deadLetterQueueUrls = new LinkedHashMap<>();
    final Map<Provider, WireMockServer> providers = new LinkedHashMap<>();
    final Map<Provider, ChaosTransformer> chaos = new LinkedHashMap<>();
    private final SQSRestServer sqsServer;
    private final ActorSystem actors;

    static synchronized StormEngines get() {
        if (instance == null) {
            instance = new StormEngines();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
        }
        return instance;
    }

    private StormEngines() {
        actors = ActorSystem.create("storm-sqs");
        ActorRef queues = actors.actorOf(Props.create(QueueManagerActor.class, new SimulatedTime.QueueNow(), StrictSQSLimits$.MODULE$,
                scala.Option.empty()));
        int port = freePort();
        sqsServer = SQSRestServerBuilder.withActorSystem(actors).withQueueManagerActor(queues).withPort(port).withInterface("127.0.0.1").start();
        sqsServer.waitUntilStarted();
        sqsEndpoint = URI.create("http://127.0.0.1:" + port);
        sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.of(LocalAws.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        var template = TemplateResources.read(Path.of("template.yaml"));
        for (Provider provider : BuiltIn.ALL) {
            String name = "relay-storm-" + provider.key();
            queueUrls.put(provider, template.createQueue(sqs, TemplateResources.queueLogicalId(BuiltIn.profile(provider)), name, name + "-dlq"));
            deadLetterQueueUrls.put(provider, sqs.getQueueUrl(r -> r.queueName(name + "-dlq")).queueUrl());
            var transformer = new ChaosTransformer(provider);
            var server = new WireMockServer(WireMockConfiguration.options().port(freePort()).bindAddress("127.0.0.1")
                    .containerThreads(60).jettyAcceptors(2).extensions(transformer));
            server.start();
            providers.put(provider, server);
            chaos.put(provider, transformer);
        }
        answerLikeProviders();
    }

    /** Each provider's answer to a request it accepts (the chaos decides when it does not). */
    void answerLikeProviders() {
        providers.get(BuiltIn.ZOKO).stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v2/account/templates")).willReturn(aResponse().withStatus(200).withBody(
                "[{\"templateId\":\"wallet_reward_v1\",\"templateVariableCount\":2}]")));
        providers.get(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(202)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-storm\"}")));
        providers.get(BuiltIn.DELIGHTCHAT).stubFor(post(urlEqualTo("/api/v1/public/message")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"id\":\"dc-storm\"}")));
        providers.get(BuiltIn.BITESPEED).stubFor(post(urlEqualTo(BiteSpeedContract.PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"bs-storm\"}")));
        providers.get(BuiltIn.LIMECHAT).stubFor(post(urlEqualTo("/api/v1/cvf-events")).willReturn(aResponse().withStatus(200).withBody("{}")));
        providers.get(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(200)));
        providers.get(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/event")).willReturn(aResponse().withStatus(200)));
    }

    /** The application's configuration: the shared DynamoDB Local, this ElasticMQ and these providers. */
    Map<String, String> applicationConfig() {
        var config = new HashMap<>(LocalAws.get().applicationConfig());
        config.put("quarkus.sqs.endpoint-override", sqsEndpoint.toString());
        queueUrls.forEach((provider, url) -> config.put("relay-queues." + provider.key(), url));
        deadLetterQueueUrls.forEach((provider, url) -> config.put("relay-dead-letter-queues." + provider.key(), url));
        providers.forEach((provider, server) -> config.put("quarkus.rest-client." + provider.key() + ".url", server.baseUrl()));
        return config;
    }

    private void stop() {
        providers.values().forEach(WireMockServer::stop);
        sqsServer.stopAndWait();
        actors.terminate();
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
