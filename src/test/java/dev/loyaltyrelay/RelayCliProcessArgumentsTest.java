package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/relay offers {@code --credential name=@file} and {@code name=-} so that a provider's API key never appears on a
 * command line (arguments show in {@code ps} and /proc/PID/cmdline to every user of the machine). Every program the
 * script starts is recorded here with its arguments (a wrapper in front of PATH): none may carry the secret.
 */
class RelayCliProcessArgumentsTest {

    static final String SECRET = "zk-live-secret-from-file-77341";

    @TempDir
    Path dir;

    @Test
    void aCredentialReadFromAFileOrStdin_neverAppearsInAnyProcessArguments() throws Exception {
        Path shims = Files.createDirectories(dir.resolve("shims"));
        Path argv = dir.resolve("argv.log");
        for (String tool : List.of("jq", "curl", "openssl")) {
            String real = which(tool);
            Path shim = shims.resolve(tool);
            Files.writeString(shim, "#!/usr/bin/env bash\nprintf '%s %s\\n' '" + tool + "' \"$*\" >> '" + argv + "'\nexec '" + real + "' \"$@\"\n");
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwx------"));
        }
        Path secretFile = dir.resolve("zoko.key");
        Files.writeString(secretFile, SECRET);

        for (String credential : List.of("apiKey=@" + secretFile, "apiKey=-")) {
            ProcessBuilder relay = new ProcessBuilder("bash", Path.of("scripts/relay").toAbsolutePath().toString(),
                    "integration", "init", "m-cli", "zoko", "--credential", credential)
                    .redirectErrorStream(true);
            relay.environment().put("PATH", shims + File.pathSeparator + System.getenv("PATH"));
            // Nothing listens there: the script builds the request, then fails to reach the stack.
            relay.environment().put("RELAY_URL", "http://127.0.0.1:9");
            relay.environment().put("RELAY_OPERATOR_KEY", "op-key-not-under-test");
            Process process = relay.start();
            process.getOutputStream().write((SECRET + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            assertTrue(output.contains("could not reach"), credential + ": " + output);
        }
        String started = Files.readString(argv);
        assertTrue(started.contains("curl "), "the wrapper saw the programs started: " + started);
        List<String> leaking = started.lines().filter(line -> line.contains(SECRET)).toList();
        assertEquals(List.of(), leaking, "a program was started with the provider credential on its command line");
        assertFalse(started.contains(SECRET));
    }

    /**
     * scripts/sign-samples.sh (and post-sample.sh, the same line) sign with RELAY_WEBHOOK_SECRET, "another merchant's
     * secret" (README, sam local invoke): taken from the environment, it must not be handed to openssl as an argument.
     */
    @Test
    void theWebhookSecretSignedWith_neverAppearsInAnyProcessArguments() throws Exception {
        Path shims = Files.createDirectories(dir.resolve("shims"));
        Path argv = dir.resolve("argv.log");
        for (String tool : List.of("jq", "openssl")) {
            String real = which(tool);
            Path shim = shims.resolve(tool);
            Files.writeString(shim, "#!/usr/bin/env bash\nprintf '%s %s\\n' '" + tool + "' \"$*\" >> '" + argv + "'\nexec '" + real + "' \"$@\"\n");
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwx------"));
        }
        ProcessBuilder sign = new ProcessBuilder("bash", Path.of("scripts/sign-samples.sh").toAbsolutePath().toString(),
                "--out", dir.resolve("events").toString()).redirectErrorStream(true);
        sign.environment().put("PATH", shims + File.pathSeparator + System.getenv("PATH"));
        sign.environment().put("RELAY_WEBHOOK_SECRET", SECRET);
        Process process = sign.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        String started = Files.readString(argv);
        assertEquals(List.of(), started.lines().filter(line -> line.contains(SECRET)).map(line -> line.substring(0, Math.min(120, line.length())))
                .distinct().toList(), "a program was started with the webhook secret on its command line");
    }

    private static String which(String tool) throws Exception {
        Process which = new ProcessBuilder("bash", "-c", "command -v " + tool).start();
        String path = new String(which.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        which.waitFor();
        return path;
    }
}
