package dev.heimdall.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heimdall.testing.Await;
import dev.heimdall.testing.FakeOpenAi;
import dev.heimdall.testing.FakeOtlpCollector;
import dev.heimdall.testing.GatewayTestResource;
import dev.heimdall.testing.GatewayTestResource.Fake;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With admin credentials in config.json: Basic, the UI's login session, logout, and refusals. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class AdminLoginTest {

    private static final String PASSWORD = "adm1n-canary-PASS-5150";

    @Fake
    FakeOpenAi upstream;

    @Fake
    Path appDir;

    @Fake
    FakeOtlpCollector collector;

    @BeforeEach
    void withCredentials() throws Exception {
        String config = GatewayTestResource.config(upstream.baseUrl(), collector.url()).replace("\"governance\": {",
                "\"governance\": {\"auth_config\": {\"is_enabled\": true, \"admin_username\": \"admin\", \"admin_password\": \""
                        + PASSWORD + "\"},");
        Files.writeString(appDir.resolve("config.json"), config);
        Await.until("the credentials to apply", () -> given().get("/api/config").statusCode() == 401);
    }

    @Inject
    AdminGuard guard;

    @AfterEach
    void restore() throws Exception {
        guard.forgetFailedLogins();
        Files.writeString(appDir.resolve("config.json"), GatewayTestResource.config(upstream.baseUrl(), collector.url()));
        Await.until("the configuration without credentials", () -> given().get("/api/config").statusCode() == 200);
    }

    private static Response login(String user, String password) {
        return given().contentType(ContentType.JSON).body("{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}")
                .post("/api/session/login");
    }

    @Test
    void aLoginGivesASessionThatLogoutEnds() {
        Response refused = given().get("/api/providers");
        assertEquals(401, refused.statusCode());
        assertEquals("Basic realm=\"Heimdall admin\", charset=\"UTF-8\"", refused.header("WWW-Authenticate"));
        assertNull(given().header(AdminGuard.UI_HEADER, "1").get("/api/providers").header("WWW-Authenticate"),
                "the UI shows its own login, not the browser's");
        assertEquals(200, given().auth().preemptive().basic("admin", PASSWORD).get("/api/providers").statusCode());
        assertEquals(true, given().get("/api/session/is-auth-enabled").jsonPath().getBoolean("is_auth_enabled"));

        assertEquals(401, login("admin", "wrong").statusCode());
        Response ok = login("admin", PASSWORD);
        assertEquals(200, ok.statusCode(), ok.asString());
        String cookie = ok.getCookie(AdminSessions.COOKIE);
        String setCookie = ok.header("Set-Cookie");
        assertTrue(setCookie.toLowerCase(java.util.Locale.ROOT).contains("httponly") && setCookie.contains("SameSite=Strict"), setCookie);
        assertFalse(ok.asString().contains(PASSWORD));
        assertEquals(200, given().cookie(AdminSessions.COOKIE, cookie).get("/api/providers").statusCode());
        assertEquals(200, given().header("Authorization", "Bearer " + ok.jsonPath().getString("token")).get("/api/config").statusCode());
        assertTrue(given().cookie(AdminSessions.COOKIE, cookie).get("/api/session/is-auth-enabled").jsonPath().getBoolean("has_valid_token"));

        Response out = given().contentType(ContentType.JSON).cookie(AdminSessions.COOKIE, cookie).post("/api/session/logout");
        assertEquals(200, out.statusCode());
        assertTrue(out.header("Set-Cookie").contains("Max-Age=0"), out.header("Set-Cookie"));
        assertEquals(401, given().cookie(AdminSessions.COOKIE, "forged.123.abc").get("/api/providers").statusCode());
    }

    @Test
    void guessingIsSlowedDown() {
        int refused = 0;
        for (int i = 0; i < LoginThrottle.MAX_FAILURES + 2; i++) {
            int status = login("admin", "guess-" + i).statusCode();
            refused += status == 429 ? 1 : 0;
        }
        assertEquals(2, refused, "after " + LoginThrottle.MAX_FAILURES + " failures, 429");
        assertEquals(429, login("admin", PASSWORD).statusCode(), "even the right password waits out the window");
    }
}
