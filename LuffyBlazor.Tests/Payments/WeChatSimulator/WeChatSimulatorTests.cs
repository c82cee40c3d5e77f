using System.Net;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.WeChatSimulator;

/// <summary>
/// The offline WeChat Pay over real Kestrel: the app orders, queries, closes and refunds through its ordinary client
/// (real signatures both ways), the buyer pays on the simulator's page, and the simulator's encrypted, signed notify
/// reaches the app's notify endpoint, with its fault switches.
/// </summary>
public sealed class WeChatSimulatorTests : IDisposable
{
    private readonly WeChatSimulatorApp sim = new();
    private readonly LuffyAppFactory app;
    private readonly string baseUrl;

    public WeChatSimulatorTests() => (app, baseUrl) = (sim.App, sim.BaseUrl);

    public void Dispose() => sim.Dispose();

    private HttpClient Browser() => sim.Browser();

    private Task<(Order Order, WeChatPayStart Started)> StartAsync(int course, WeChatScene scene = WeChatScene.Native) => sim.StartAsync(course, scene);

    private Task<HttpResponseMessage> PayAsync(WeChatPayStart started, string button = "pay", params (string Key, string Value)[] fields) =>
        sim.PayAsync(started, button, fields);

    [Fact]
    public void In_development_the_simulator_configures_wechat_pay_with_its_generated_keys()
    {
        var options = app.Services.GetRequiredService<IOptions<WeChatPayOptions>>().Value;

        Assert.True(options.IsEnabled);
        Assert.Equal(WeChatSimulatorSetup.BasePath, options.BaseUrl);
        Assert.StartsWith("PUB_KEY_ID_", options.PlatformPublicKeyId);
        Assert.True(WeChatPayAead.IsValidKey(options.ApiV3Key));
        Assert.True(File.Exists(Path.Combine(app.Root, "keys", WeChatSimulatorKeys.PlatformPrivateKeyFile)));
    }

    [Fact]
    public async Task A_native_payment_made_on_the_simulators_page_pays_the_order_through_a_signed_encrypted_notify()
    {
        var (order, started) = await StartAsync(1);
        Assert.StartsWith("weixin://wxpay/bizpayurl?pr=", started.CodeUrl);

        using var paid = await PayAsync(started);

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var done = await app.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        Assert.StartsWith("42000", done.TradeNo);
        var log = await app.QueryAsync(db => db.NotifyLogs.AsNoTracking().SingleAsync(l => l.OutTradeNo == order.OutTradeNo));
        Assert.Equal(("WeChat", NotifyVerdict.Accepted), (log.Provider, log.Verdict));
    }

    [Fact]
    public async Task An_h5_payment_goes_back_to_the_merchants_redirect_url()
    {
        var (order, started) = await StartAsync(2, WeChatScene.H5);
        Assert.Contains("/dev/wechatpay/pay/", started.H5Url);

        using var paid = await PayAsync(started with { H5Url = started.H5Url + "?redirect_url=%2Forders" }, "pay", ("redirect_url", "/orders"));

        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        Assert.Equal("/orders", paid.Headers.Location!.OriginalString);
        await app.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_absolute_redirect_url_is_followed_on_the_apps_own_host_only(bool ownHost)
    {
        var (_, started) = await StartAsync(4, WeChatScene.H5);
        var back = (ownHost ? baseUrl : "https://elsewhere.example") + "/pay/wechat/x";

        using var cancelled = await PayAsync(started with { H5Url = started.H5Url + "?redirect_url=" + Uri.EscapeDataString(back) }, "cancel", ("redirect_url", back));

        if (ownHost)
        {
            Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
            Assert.Equal(back, cancelled.Headers.Location!.AbsoluteUri);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            Assert.Contains("已取消支付", await cancelled.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Concurrent_duplicate_notifies_pay_once()
    {
        var (order, started) = await StartAsync(3);

        using var paid = await PayAsync(started, "pay", ("fault", "Concurrent"), ("copies", "8"));

        await app.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        await WaitUntilAsync(async () => await app.QueryAsync(db => db.NotifyLogs.CountAsync(l => l.OutTradeNo == order.OutTradeNo)) == 8);
        Assert.Equal(1, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid)));
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
    }

    [Fact]
    public async Task A_tampered_signature_is_refused_and_a_dropped_notify_is_recovered_by_the_query()
    {
        var (forged, forgedStart) = await StartAsync(4);
        using (await PayAsync(forgedStart, "pay", ("tamper_signature", "true")))
        {
        }

        await WaitUntilAsync(async () => await app.QueryAsync(db => db.NotifyLogs.AnyAsync(l => l.Reason == "Wechatpay-Signature does not verify")));
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(forged.OutTradeNo)).Status);

        var (dropped, droppedStart) = await StartAsync(5);
        using (await PayAsync(droppedStart, "pay", ("fault", "Drop")))
        {
        }

        await using var scope = app.Services.CreateAsyncScope();
        var sync = await scope.ServiceProvider.GetRequiredService<PaymentReconciliation>().SyncAsync(dropped.OutTradeNo, "test");
        Assert.Equal(SyncResult.Paid, sync.Result);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(dropped.OutTradeNo)).Status);
    }

    [Fact]
    public async Task A_tampered_amount_is_refused_and_retried_on_wechats_schedule()
    {
        var (order, started) = await StartAsync(6);

        using (await PayAsync(started, "pay", ("tamper_amount", "true")))
        {
        }

        // Refused (the amount is one fen off), so the simulator sends it again: 15s and 15s at scale 0.01.
        await WaitUntilAsync(async () => await app.QueryAsync(db => db.NotifyLogs.CountAsync(l => l.OutTradeNo == order.OutTradeNo)) >= 3);
        Assert.All(await app.QueryAsync(db => db.NotifyLogs.Where(l => l.OutTradeNo == order.OutTradeNo).ToListAsync()),
            l => Assert.StartsWith("amount.total ", l.Reason));
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task Closing_an_unpaid_order_closes_it_at_the_simulator_and_its_page_then_refuses_payment()
    {
        var (order, started) = await StartAsync(7);
        await using var scope = app.Services.CreateAsyncScope();

        var closed = await scope.ServiceProvider.GetRequiredService<PaymentReconciliation>()
            .CloseUnpaidAsync(order.OutTradeNo, OrderStatus.Cancelled, "test", "买家取消");

        Assert.Equal(CloseResult.Closed, closed.Result);
        var page = WebUtility.HtmlDecode(await Browser().GetStringAsync($"dev/wechatpay/pay/{started.CodeUrl!.Split("pr=")[1]}"));
        Assert.Contains("订单已关闭", page);
    }

    [Fact]
    public async Task A_refund_through_the_simulator_succeeds_once_and_its_notify_finds_it_settled()
    {
        var (order, started) = await StartAsync(8);
        using (await PayAsync(started))
        {
        }

        await app.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        await using var scope = app.Services.CreateAsyncScope();
        var refunds = scope.ServiceProvider.GetRequiredService<OrderRefunds>();

        var outcome = await refunds.RefundAsync(new RefundAsk(order.OutTradeNo, order.TotalAmount, "学员申请", 0m), new RefundRequester("admin", "admin:admin"));

        Assert.Equal(RefundResult.Succeeded, outcome.Result);
        Assert.Equal(OrderStatus.Refunded, (await app.OrderAsync(order.OutTradeNo)).Status);
        await WaitUntilAsync(async () => await app.QueryAsync(db => db.NotifyLogs.AnyAsync(l => l.OutTradeNo == order.OutTradeNo && l.TradeStatus == "REFUND.SUCCESS")));
        var refundLog = await app.QueryAsync(db => db.NotifyLogs.SingleAsync(l => l.OutTradeNo == order.OutTradeNo && l.TradeStatus == "REFUND.SUCCESS"));
        // The simulator sends REFUND.SUCCESS as soon as it answers, so the notify may settle the refund before the
        // answer does ("refund settled") or find it settled ("refund already settled"); either way, exactly once.
        Assert.Matches("^refund (already )?settled", refundLog.Reason);
        Assert.Equal(1, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Refunded)));
    }

    [Fact]
    public async Task A_request_signed_with_another_key_is_refused_by_the_simulator()
    {
        using var wrongKey = System.Security.Cryptography.RSA.Create(2048);
        const string body = """{"mchid":"1900000001"}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = WeChatPaySignature.Sign(WeChatPaySignature.RequestMessage("POST", "/dev/wechatpay/v3/pay/transactions/native", timestamp, "n", body), wrongKey);
        using var request = new HttpRequestMessage(HttpMethod.Post, "dev/wechatpay/v3/pay/transactions/native") { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("Authorization", WeChatPaySignature.Authorization("1900000001", "X", timestamp, "n", signature));

        using var response = await Browser().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("SIGN_ERROR", await response.Content.ReadAsStringAsync());
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition) => WeChatSimulatorApp.WaitUntilAsync(condition);
}
