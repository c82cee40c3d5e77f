using System.Net;
using System.Text.RegularExpressions;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// The app on real Kestrel with the WeChat Pay simulator on (its keys generated into the test's keys/), so that the
/// app reaches the simulated APIv3 and the simulator reaches the app's notify endpoint over HTTP, as with WeChat Pay.
/// </summary>
public sealed partial class WeChatSimulatorApp : IDisposable
{
    public WeChatSimulatorApp(IDictionary<string, string?>? overrides = null, int port = 0)
    {
        var settings = new Dictionary<string, string?>
        {
            ["WeChatPay:Simulator:Enabled"] = "true",
            ["WeChatPay:Simulator:NotifyRetryScale"] = "0.01",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        App = new LuffyAppFactory(settings);
        BaseUrl = App.StartKestrel(port);
    }

    public LuffyAppFactory App { get; }

    /// <summary>Where the app listens, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    public int Port => new Uri(BaseUrl).Port;

    public void Dispose() => App.Dispose();

    /// <summary>A cookie-keeping client of the real server that does not follow redirects (so tests can look at them).</summary>
    public HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        BaseAddress = new Uri(BaseUrl + "/"),
    };

    /// <summary>A new learner's WeChat order for <paramref name="course"/>, placed at the simulator (Native or H5).</summary>
    public async Task<(Order Order, WeChatPayStart Started)> StartAsync(int course, WeChatScene scene = WeChatScene.Native)
    {
        var (learner, _) = await App.CreateLearnerAsync("wxsim");
        var order = await App.PlaceWeChatOrderAsync(learner, course);
        await using var scope = App.Services.CreateAsyncScope();
        var started = await scope.ServiceProvider.GetRequiredService<WeChatCheckout>().StartAsync(OrderView.Of(order), scene, "127.0.0.1");
        Assert.True(started.Succeeded, started.Error);
        return (order, started);
    }

    /// <summary>The cashier's address: the code_url "as scanned", or the h5_url.</summary>
    public async Task<Uri> CashierAsync(WeChatPayStart started)
    {
        if (started.CodeUrl is not { } codeUrl)
        {
            return new Uri(started.H5Url!);
        }

        using var scanned = await Browser().GetAsync($"dev/wechatpay/scan?code_url={Uri.EscapeDataString(codeUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, scanned.StatusCode);
        return new Uri(new Uri(BaseUrl), scanned.Headers.Location!.OriginalString);
    }

    /// <summary>Opens the cashier and submits its form with <paramref name="fields"/> (button "pay" or "cancel").</summary>
    public async Task<HttpResponseMessage> PayAsync(WeChatPayStart started, string button = "pay", params (string Key, string Value)[] fields)
    {
        var browser = Browser();
        var cashier = await CashierAsync(started);
        var page = await browser.GetStringAsync(cashier.PathAndQuery.TrimStart('/'));
        Assert.Contains("确认支付", page);
        return await browser.PostAsync($"{cashier.AbsolutePath.TrimStart('/')}/{button}", new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))));
    }

    /// <summary>The console's HTML, decoded.</summary>
    public async Task<string> ConsoleAsync() => WebUtility.HtmlDecode(await Browser().GetStringAsync("dev/wechatpay/"));

    /// <summary>Posts a console form (<c>console/…</c>) with the antiforgery token of the console page, as its buttons do.</summary>
    public async Task ConsolePostAsync(string path, params (string Key, string Value)[] fields)
    {
        var browser = Browser();
        var page = await browser.GetStringAsync("dev/wechatpay/");
        var form = fields.Select(f => KeyValuePair.Create(f.Key, f.Value))
            .Append(KeyValuePair.Create("__RequestVerificationToken", WebUtility.HtmlDecode(Token().Match(page).Groups[1].Value)));
        using var response = await browser.PostAsync($"dev/wechatpay/console/{path}", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>A look at the simulator's own database.</summary>
    public async Task<T> QuerySimulatorAsync<T>(Func<WeChatSimulatorDbContext, Task<T>> query)
    {
        await using var db = await App.Services.GetRequiredService<IDbContextFactory<WeChatSimulatorDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>The trade's payment notifies at the simulator, oldest first.</summary>
    public Task<List<WeChatSimNotification>> NotificationsAsync(string outTradeNo) =>
        QuerySimulatorAsync(db => db.Notifications.AsNoTracking().Where(n => n.OutTradeNo == outTradeNo).OrderBy(n => n.Id).ToListAsync());

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, double seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not hold in time");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
