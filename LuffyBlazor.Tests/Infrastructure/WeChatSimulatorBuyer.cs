using System.Net;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>A learner paying with WeChat against the offline simulator over real Kestrel: the order, then the cashier page.</summary>
public static class WeChatSimulatorBuyer
{
    /// <summary>The app with the WeChat Pay simulator on (notify retries 100 times faster) and <paramref name="settings"/>; start it with StartKestrel.</summary>
    public static LuffyAppFactory App(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["WeChatPay:Simulator:Enabled"] = "true",
            ["WeChatPay:Simulator:NotifyRetryScale"] = "0.01",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new LuffyAppFactory(all);
    }

    /// <summary>A new learner's WeChat order for <paramref name="course"/>, started as the checkout starts it (Native: a code_url; H5: an h5_url).</summary>
    public static async Task<(Order Order, WeChatPayStart Started)> StartWeChatPaymentAsync(this LuffyAppFactory app, int course, WeChatScene scene = WeChatScene.Native)
    {
        var (learner, _) = await app.CreateLearnerAsync("wxsim");
        var order = await app.PlaceWeChatOrderAsync(learner, course);
        await using var scope = app.Services.CreateAsyncScope();
        var started = await scope.ServiceProvider.GetRequiredService<WeChatCheckout>().StartAsync(OrderView.Of(order), scene, "127.0.0.1");
        Assert.True(started.Succeeded, started.Error);
        return (order, started);
    }

    /// <summary>Opens the code_url "as scanned" (or the h5_url) and submits the cashier's form with <paramref name="fields"/>.</summary>
    public static async Task<HttpResponseMessage> PayAsync(string baseUrl, WeChatPayStart started, string button = "pay", params (string Key, string Value)[] fields)
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl + "/") };
        Uri cashier;
        if (started.CodeUrl is { } codeUrl)
        {
            using var scanned = await browser.GetAsync($"dev/wechatpay/scan?code_url={Uri.EscapeDataString(codeUrl)}");
            Assert.Equal(HttpStatusCode.Redirect, scanned.StatusCode);
            cashier = new Uri(new Uri(baseUrl), scanned.Headers.Location!.OriginalString);
        }
        else
        {
            cashier = new Uri(started.H5Url!);
        }

        var page = await browser.GetStringAsync(cashier.PathAndQuery.TrimStart('/'));
        Assert.Contains("确认支付", page);
        return await browser.PostAsync($"{cashier.AbsolutePath.TrimStart('/')}/{button}", new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))));
    }
}
