using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LuffyBlazor.Tests.Browser;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserSession>
{
    public const string Name = "browser";
}

/// <summary>
/// The shop on real Kestrel with the Alipay and WeChat Pay simulators, and Debian's Chromium driven by Playwright (no browser
/// download is possible here: <c>./test.sh</c> installs <c>chromium</c> with apt when it is missing).
/// </summary>
public sealed class BrowserSession : IAsyncLifetime
{
    /// <summary>Override with <c>LUFFY_CHROMIUM</c> when Chromium lives elsewhere.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("LUFFY_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright playwright = null!;

    private readonly Lazy<SimulatorApp> certificateShop =
        new(() => new SimulatorApp(new Dictionary<string, string?> { ["Alipay:Simulator:CertificateMode"] = "true" }));

    public SimulatorApp Shop { get; private set; } = null!;

    /// <summary>A second shop whose simulator plays Alipay in certificate mode (公钥证书), started on first use.</summary>
    public SimulatorApp CertificateShop => certificateShop.Value;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl => Shop.BaseUrl;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium not found at {ChromiumPath}: run ./test.sh, which installs it (apt-get install -y chromium)");
        // WeChat Pay's simulator too, so that the shop offers 微信支付 beside 支付宝 as in Development.
        Shop = new SimulatorApp(new Dictionary<string, string?>
        {
            ["WeChatPay:Simulator:Enabled"] = "true",
            ["WeChatPay:Simulator:NotifyRetryScale"] = "0.01",
        });
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root in a container, and with no network beyond loopback: keep Chromium from phoning home.
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>A fresh browser profile (no cookies), at a desktop size unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options ?? new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        Shop.Dispose();
        if (certificateShop.IsValueCreated)
        {
            certificateShop.Value.Dispose();
        }
    }
}

/// <summary>Steps a learner takes, written once.</summary>
public static class LearnerSteps
{
    public const string Password = "browser-pass-1";

    /// <summary>A new learner, logged in on a fresh browser profile.</summary>
    public static async Task<(IPage Page, string UserId)> NewLearnerPageAsync(
        this BrowserSession session, string namePrefix, BrowserNewContextOptions? options = null)
    {
        var (userId, name) = await session.Shop.App.CreateLearnerAsync(namePrefix);
        var page = await session.NewPageAsync(options);
        await page.GotoAsync(session.BaseUrl + "/Account/Login");
        await page.LogInHereAsync(name, AppScenarios.LearnerPassword);
        return (page, userId);
    }

    /// <summary>The order number of the return page (<c>/pay/success?out_trade_no=…</c>) the browser is on.</summary>
    public static string OutTradeNoOfReturn(this IPage page) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(page.Url).Query)["out_trade_no"].ToString();

    /// <summary>
    /// Opens a page and waits until its buttons work: at once on the shop's static pages, once the Blazor circuit is
    /// live on interactive ones (the back office).
    /// </summary>
    public static async Task OpenAsync(this IPage page, string url)
    {
        await page.GotoAsync(url);
        await page.WaitUntilUsableAsync();
    }

    /// <summary>Waits until the page the browser is on works (static, or its circuit live).</summary>
    public static Task WaitUntilUsableAsync(this IPage page) =>
        page.WaitForSelectorAsync("[data-interactive=true], [data-interactive=static]");

    public static async Task RegisterAsync(this IPage page, string baseUrl, string userName)
    {
        await page.GotoAsync(baseUrl + "/Account/Register");
        await page.FillAsync("#Input\\.UserName", userName);
        await page.FillAsync("#Input\\.Email", userName + "@example.com");
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.ClickAsync("#register-submit");
        await page.WaitForSelectorAsync("#current-user");
    }

    /// <summary>Fills in the log-in page the browser is on and submits it.</summary>
    public static async Task LogInHereAsync(this IPage page, string login, string password)
    {
        await page.FillAsync("#Input\\.Login", login);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#current-user");
    }

    /// <summary>Presses 立即购买 on a course page and waits for the simulator's cashier.</summary>
    public static async Task BuyAsync(this IPage page, string baseUrl, int courseId)
    {
        await page.OpenAsync($"{baseUrl}/course/{courseId}");
        await page.ClickAsync("#buy-now");
        await page.WaitForURLAsync("**/dev/alipay/cashier/**");
    }

    /// <summary>Presses 确认付款, optionally after choosing a notify fault in the developer options.</summary>
    public static async Task PayAtCashierAsync(this IPage page, string? fault = null)
    {
        if (fault is not null)
        {
            await page.ClickAsync("summary");
            await page.CheckAsync($"input[name=fault][value={fault}]");
        }

        await page.ClickAsync("#cashier-pay");
        await page.WaitForURLAsync("**/pay/success?**");
    }

    public static string Screenshots => Path.Combine(RepositoryPaths.Root, "docs", "screenshots");

    public static Task ScreenshotAsync(this IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
}
