using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// The app on real Kestrel with the Alipay simulator on (test keys on both sides), so that the app reaches the
/// simulated gateway and the simulator reaches the app's notify endpoint over HTTP, as with the real Alipay.
/// </summary>
public sealed class SimulatorApp : IDisposable
{
    public SimulatorApp() : this(new Dictionary<string, string?>())
    {
    }

    internal SimulatorApp(IDictionary<string, string?> overrides, Action<IServiceCollection>? testServices = null, string environmentName = "Testing")
    {
        var settings = new Dictionary<string, string?>
        {
            ["Alipay:Simulator:Enabled"] = "true",
            ["Alipay:Gateway"] = "",
            ["Alipay:Simulator:AppPublicKeyPath"] = AlipayTestKeys.AppPublicKeyPath,
            ["Alipay:Simulator:AlipayPrivateKeyPath"] = AlipayTestKeys.AlipayPrivateKeyPath,
            ["Alipay:Simulator:NotifyRetryScale"] = "0.0005",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        App = new LuffyAppFactory(settings) { TestServices = testServices, EnvironmentName = environmentName };
        BaseUrl = App.StartKestrel();
    }

    public LuffyAppFactory App { get; }

    /// <summary>Where the app listens, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <summary>A cookie-keeping client of the real server that does not follow redirects (so tests can look at them).</summary>
    public HttpClient Browser() => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        BaseAddress = new Uri(BaseUrl + "/"),
    };

    /// <summary>The app's own signed page-pay URL (wap pay for a phone) for an order, as the Buy button builds it.</summary>
    public string PayUrl(Features.Orders.Order order, bool mobile = false)
    {
        using var scope = App.Services.CreateScope();
        var checkout = scope.ServiceProvider.GetRequiredService<Features.Orders.Checkout>();
        return checkout.PaymentUrl(Features.Orders.OrderView.Of(order), new Uri(BaseUrl + "/"), mobile)
            ?? throw new InvalidOperationException($"Order {order.OutTradeNo} can no longer be paid.");
    }

    public IAlipayClient Alipay => App.Services.GetRequiredService<IAlipayClient>();

    public void Dispose() => App.Dispose();
}

/// <summary>Walks the simulator's cashier like a buyer: open the pay URL, then press 确认付款 or 取消.</summary>
public static partial class Cashier
{
    /// <summary>Opens the pay URL; returns the cashier page's address and (decoded) HTML, or the gateway's refusal.</summary>
    public static async Task<(HttpStatusCode Status, string? CashierUrl, string Html)> OpenAsync(HttpClient browser, string payUrl)
    {
        using var gateway = await browser.GetAsync(payUrl);
        if (gateway.StatusCode != HttpStatusCode.Redirect)
        {
            return (gateway.StatusCode, null, WebUtility.HtmlDecode(await gateway.Content.ReadAsStringAsync()));
        }

        var cashierUrl = new Uri(new Uri(payUrl), gateway.Headers.Location!).AbsoluteUri;
        return (HttpStatusCode.OK, cashierUrl, WebUtility.HtmlDecode(await browser.GetStringAsync(cashierUrl)));
    }

    /// <summary>Presses 确认付款 with the given fault switches; returns where the simulator sends the browser.</summary>
    public static async Task<HttpResponseMessage> PayAsync(HttpClient browser, string payUrl, IDictionary<string, string>? faults = null)
    {
        var (_, cashierUrl, html) = await OpenAsync(browser, payUrl);
        Assert.True(cashierUrl is not null, "the gateway refused the payment: " + ErrorCode(html));
        return await SubmitAsync(browser, cashierUrl + "/pay", html, faults);
    }

    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, string url, string html, IDictionary<string, string>? fields = null)
    {
        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>())
        {
            ["__RequestVerificationToken"] = Token().Match(html).Groups[1].Value,
        };
        return await browser.PostAsync(url, new FormUrlEncodedContent(form));
    }

    /// <summary>What a browser posts from the form with that id as the page set it: ticked boxes and chosen radios only.</summary>
    public static Dictionary<string, string> FormFields(string html, string formId)
    {
        var form = (IHtmlFormElement)new HtmlParser().ParseDocument(html).GetElementById(formId)!;
        return form.Elements.OfType<IHtmlInputElement>()
            .Where(input => !string.IsNullOrEmpty(input.Name) && (input.Type is not ("radio" or "checkbox") || input.IsChecked))
            .ToDictionary(input => input.Name!, input => input.Value);
    }

    /// <summary>The <c>sub_code</c> on a simulator error page.</summary>
    public static string? ErrorCode(string html) => SubCode().Match(html) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("id=\"error-sub-code\">([^<]+)<")]
    private static partial Regex SubCode();
}
