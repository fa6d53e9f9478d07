package ai.emu4j.server;

import ai.emu4j.api.RandomModels;
import ai.emu4j.models.vq.MediaFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web page in headless Chromium (Debian's chromium + chromium-driver, driven by Selenium): generate with a
 * fixed seed and watch the row-by-row preview, get the final image in the gallery with its parameters in the
 * PNG, cancel a generation, upload an image and read its caption, and tokenize it. Screenshots go to
 * emu4j-server/target/browser-screenshots/. Tagged "browser": run with {@code ./run-tests -Pbrowser}; a missing
 * browser fails the test (it is not skipped).
 */
@Tag("browser")
class BrowserEndToEndTest {
    static final Path SHOTS = Path.of("target", "browser-screenshots");
    @TempDir
    static Path dir;
    static TestServer s;
    static WebDriver driver;

    @BeforeAll
    static void start() throws Exception {
        for (String exe : List.of("/usr/bin/chromium", "/usr/bin/chromedriver")) {
            assertTrue(Files.isExecutable(Path.of(exe)), exe + " is missing: apt-get install -y chromium chromium-driver");
        }
        s = TestServer.start(TestServer.config(TestServer.model(dir, RandomModels.Size.SMALL)));
        Files.createDirectories(SHOTS);
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        driver = new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) driver.quit();
        if (s != null) s.close();
    }

    private static void shot(String name) throws Exception {
        Files.write(SHOTS.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static WebDriverWait waitUp(int seconds) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(20));
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static void set(String id, String value) {
        WebElement e = driver.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }

    @Test
    void generateWatchPreviewCancelCaptionAndTokenize() throws Exception {
        driver.get(s.base + "/");
        waitUp(30).until(d -> d.findElement(By.id("status")).getAttribute("class").contains("ok")
                && !d.findElements(By.cssSelector("#ratio option")).isEmpty());
        assertTrue(driver.findElement(By.id("negative")).getAttribute("value").startsWith("lowres"), "negative prompt is pre-filled");

        // Generate with a fixed seed and watch the preview fill in.
        set("prompt", "a red circle");
        driver.findElement(By.id("seed-random")).click();
        set("seed", "42");
        driver.findElement(By.id("generate")).click();
        waitUp(120).until(d -> Integer.parseInt(d.findElement(By.id("preview")).getAttribute("data-previews")) >= 3);
        shot("1-preview-in-progress.png");
        waitUp(120).until(d -> d.findElements(By.cssSelector("#gallery .result")).size() == 1);
        waitUp(10).until(d -> "done".equals(d.findElement(By.id("progress-text")).getText()));
        shot("2-final-image.png");
        @SuppressWarnings("unchecked")
        List<Long> rows = (List<Long>) js("return window.emu4jPreviewLog.slice();");
        assertTrue(rows.size() >= 3, "partial images drawn: " + rows);
        for (int i = 1; i < rows.size(); i++) assertTrue(rows.get(i) > rows.get(i - 1), "rows only grow: " + rows);
        String href = driver.findElement(By.cssSelector("#gallery .result a.download")).getAttribute("href");
        assertTrue(href.startsWith("data:image/png;base64,"));
        Path png = dir.resolve("download.png");
        Files.write(png, Base64.getDecoder().decode(href.substring(href.indexOf(',') + 1)));
        Map<String, String> text = MediaFiles.readPngText(png);
        assertEquals("42", text.get("seed"), "the download keeps the parameters: " + text);
        assertEquals("a red circle", text.get("prompt"));
        var api = s.post("/v1/images/generations", Map.of("prompt", "a red circle", "seed", 42, "negative_prompt", text.get("negative_prompt")));
        assertEquals(api.json().get("data").get(0).get("b64_json").asText(), href.substring(href.indexOf(',') + 1), "the page's image is the API's for that seed");

        // Cancel: the stream closes and the server stops the job.
        long cancelledBefore = s.send(s.get("/health")).json().get("queue").get("cancelled").asLong();
        set("count", "4");
        driver.findElement(By.id("generate")).click();
        waitUp(60).until(d -> d.findElement(By.id("progress-text")).getText().contains("row"));
        driver.findElement(By.id("cancel")).click();
        waitUp(30).until(d -> "cancelled".equals(d.findElement(By.id("progress-text")).getText()));
        shot("3-cancelled.png");
        waitUp(60).until(d -> {
            try {
                return s.send(s.get("/health")).json().get("queue").get("cancelled").asLong() > cancelledBefore;
            } catch (Exception e) {
                return false;
            }
        });

        // Upload an image and read its caption.
        Path upload = dir.resolve("upload.png");
        Files.write(upload, Base64.getDecoder().decode(TestServer.dataUrl(48, 40).substring("data:image/png;base64,".length())));
        driver.findElement(By.cssSelector("button[data-tab=ask]")).click();
        js("document.getElementById('file').style.display = 'block';");
        driver.findElement(By.id("file")).sendKeys(upload.toAbsolutePath().toString());
        waitUp(10).until(d -> !d.findElement(By.id("upload-preview")).getAttribute("src").isEmpty());
        set("max-tokens", "12");
        driver.findElement(By.id("ask")).click();
        waitUp(120).until(d -> "true".equals(d.findElement(By.id("answer")).getAttribute("data-done")));
        shot("4-caption.png");
        String caption = driver.findElement(By.id("answer")).getText();
        String body = "{\"max_tokens\":12,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe the image\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + TestServer.dataUrl(48, 40) + "\"}}]}]}";
        String expected = s.send(s.post("/v1/chat/completions", body)).json().get("choices").get(0).get("message").get("content").asText();
        assertEquals(expected.strip(), caption.strip(), "the page shows the model's caption");
        assertTrue(driver.findElement(By.id("error")).getAttribute("hidden") != null, "no error shown");

        // Tokenizer view: the image, its reconstruction and its token grid.
        driver.findElement(By.cssSelector("button[data-tab=tokenizer]")).click();
        driver.findElement(By.id("tokenize")).click();
        waitUp(60).until(d -> !d.findElement(By.id("tok-codes")).getText().isEmpty());
        assertTrue(driver.findElement(By.id("tok-info")).getText().contains("15 × 18"), "48 x 40 pixels at the 64 x 64 area: " + driver.findElement(By.id("tok-info")).getText());
        shot("5-tokenizer.png");

        // Drag-and-drop and paste hand the page a File the same way a user's drop or Ctrl+V does.
        String drop = TestServer.dataUrl(32, 32), paste = TestServer.dataUrl(24, 48);
        js("""
                const [url, target] = arguments;
                const bytes = Uint8Array.from(atob(url.split(',')[1]), c => c.charCodeAt(0));
                const dt = new DataTransfer();
                dt.items.add(new File([bytes], 'dropped.png', { type: 'image/png' }));
                document.getElementById(target).dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
                """, drop, "tok-drop");
        waitUp(10).until(d -> drop.equals(d.findElement(By.id("tok-original")).getAttribute("src")));
        driver.findElement(By.id("tokenize")).click();
        waitUp(60).until(d -> d.findElement(By.id("tok-info")).getText().contains("16 × 16"));
        js("""
                const url = arguments[0];
                const bytes = Uint8Array.from(atob(url.split(',')[1]), c => c.charCodeAt(0));
                const dt = new DataTransfer();
                dt.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
                document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
                """, paste);
        waitUp(10).until(d -> paste.equals(d.findElement(By.id("upload-preview")).getAttribute("src")));
        driver.findElement(By.id("tokenize")).click();
        var grid = s.post("/v1/emu4j/tokenize", Map.of("image", paste)).json();
        String expectedGrid = grid.get("rows").asInt() + " × " + grid.get("cols").asInt();
        waitUp(60).until(d -> d.findElement(By.id("tok-info")).getText().contains(expectedGrid));
        shot("6-pasted-and-tokenized.png");
    }
}
