// A local OpenAI-compatible server for trying Heimdall without a GPU: `java dev/MockOpenAi.java [port]`.
// It answers any model on /v1/chat/completions (JSON, or SSE when "stream": true), /v1/completions,
// /v1/embeddings and /v1/models, echoing the model name it received. JDK only, no build needed.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class MockOpenAi {

    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/models", ex -> send(ex, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"glm-5\",\"object\":\"model\",\"owned_by\":\"mock\"}]}"));
        server.createContext("/v1/", MockOpenAi::answer);
        server.start();
        System.out.println("Mock OpenAI-compatible server on http://127.0.0.1:" + port + "/v1");
    }

    private static void answer(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = MODEL.matcher(body);
        String model = m.find() ? m.group(1) : "unknown";
        String path = ex.getRequestURI().getPath();
        if (path.endsWith("/embeddings")) {
            send(ex, 200, "application/json", "{\"object\":\"list\",\"model\":\"" + model
                    + "\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2,0.3]}]}");
        } else if (STREAM.matcher(body).find()) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (String word : new String[] {"Hello", " from", " the", " mock", " " + model}) {
                    out.write(("data: {\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"model\":\"" + model
                            + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word + "\"},\"finish_reason\":null}]}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
        } else {
            send(ex, 200, "application/json", "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"model\":\"" + model
                    + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello from the mock "
                    + model + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"total_tokens\":11}}");
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
