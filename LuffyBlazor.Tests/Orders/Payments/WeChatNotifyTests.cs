using System.Net;
using System.Text.Json;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Orders.Payments;

/// <summary>
/// <c>POST /api/v1/order/wechat/notify/</c> over HTTP: the headers' signature and timestamp, the AEAD resource, then
/// the shop's rules (mchid, appid, a known out_trade_no, amount.total, trade_state), exactly once, all in the notify log
/// with the provider.
/// </summary>
public sealed class WeChatNotifyTests(WeChatPayApp app) : IClassFixture<WeChatPayApp>
{
    private async Task<Order> NewOrderAsync(params int[] courses)
    {
        var (learner, _) = await app.CreateLearnerAsync("wx");
        return await app.PlaceWeChatOrderAsync(learner, courses.Length == 0 ? [1] : courses);
    }

    private async Task<(HttpStatusCode Code, string Body)> PostAsync(HttpRequestMessage request)
    {
        using var response = await app.CreateClient().SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<List<NotifyLog>> LogsAsync(string outTradeNo) =>
        app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.OutTradeNo == outTradeNo).ToListAsync());

    private static string Paid(Order order, decimal? total = null, string tradeState = "SUCCESS", string mchid = WeChatPayTestKeys.MchId,
        string appid = WeChatPayTestKeys.AppId) =>
        FakeWeChatPay.NotifyBody(FakeWeChatPay.Transaction(order.OutTradeNo, total ?? order.TotalAmount, tradeState, mchid: mchid, appid: appid));

    [Fact]
    public async Task A_valid_notify_answers_204_marks_the_order_paid_and_is_logged_with_its_provider()
    {
        var order = await NewOrderAsync(1, 2);

        var (code, body) = await PostAsync(FakeWeChatPay.NotifyRequest(Paid(order)));

        Assert.Equal((HttpStatusCode.NoContent, ""), (code, body));
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.StartsWith("42000000002026", paid.TradeNo);
        Assert.Equal("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", paid.BuyerId);
        Assert.Equal(new DateTime(2026, 11, 25, 8, 31, 10, DateTimeKind.Utc), paid.PayTime);
        var log = Assert.Single(await LogsAsync(order.OutTradeNo));
        Assert.Equal((NotifyVerdict.Accepted, "WeChat", "SUCCESS"), (log.Verdict, log.Provider, log.TradeStatus));
        Assert.Contains("TRANSACTION.SUCCESS", log.RawParameters);
        var history = await app.QueryAsync(db => db.OrderStatusChanges.Where(c => c.OrderId == order.Id && c.To == OrderStatus.Paid).ToListAsync());
        Assert.Equal("wechatpay-notify", Assert.Single(history).Actor);
    }

    [Fact]
    public async Task Concurrent_duplicates_pay_the_order_once()
    {
        var order = await NewOrderAsync(3);
        var body = Paid(order);

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => PostAsync(FakeWeChatPay.NotifyRequest(body))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NoContent, a.Code));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid)));
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
        Assert.Equal(30, (await LogsAsync(order.OutTradeNo)).Count);
    }

    [Fact]
    public async Task A_stale_timestamp_is_refused_with_wechats_failure_json_and_nothing_changes()
    {
        var order = await NewOrderAsync(4);

        var (code, body) = await PostAsync(FakeWeChatPay.NotifyRequest(Paid(order), at: DateTimeOffset.UtcNow.AddMinutes(-6)));

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal("FAIL", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        var log = await app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.Reason.Contains("stale")).OrderByDescending(l => l.Id).FirstAsync());
        Assert.Equal((NotifyVerdict.Rejected, "WeChat"), (log.Verdict, log.Provider));
    }

    [Fact]
    public async Task A_forged_signature_is_refused_and_the_resource_is_not_decrypted()
    {
        var order = await NewOrderAsync(5);

        var (code, _) = await PostAsync(FakeWeChatPay.NotifyRequest(Paid(order), tamper: true));

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        var log = await app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.Reason == "Wechatpay-Signature does not verify").OrderByDescending(l => l.Id).FirstAsync());
        Assert.DoesNotContain(order.OutTradeNo, log.RawParameters);
    }

    [Fact]
    public async Task A_resource_encrypted_with_another_apiv3_key_is_refused()
    {
        var order = await NewOrderAsync(6);
        var body = FakeWeChatPay.NotifyBody(FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount), apiV3Key: "ZZZZZZZZZZABCDEFGHIJ0123456789xy");

        var (code, _) = await PostAsync(FakeWeChatPay.NotifyRequest(body));

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Theory]
    [InlineData("amount", "does not match the order total")]
    [InlineData("mchid", "is not ours")]
    [InlineData("appid", "is not ours")]
    public async Task A_verified_notify_breaking_a_business_rule_answers_400_and_changes_nothing(string broken, string reason)
    {
        var order = await NewOrderAsync(7);
        var body = broken switch
        {
            "amount" => Paid(order, total: order.TotalAmount - 0.01m),
            "mchid" => Paid(order, mchid: "1900000000"),
            _ => Paid(order, appid: "wx0000000000000000"),
        };

        var (code, answer) = await PostAsync(FakeWeChatPay.NotifyRequest(body));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("FAIL", JsonDocument.Parse(answer).RootElement.GetProperty("code").GetString());
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Contains(reason, Assert.Single(await LogsAsync(order.OutTradeNo)).Reason);
    }

    [Fact]
    public async Task An_unknown_out_trade_no_is_refused()
    {
        var body = FakeWeChatPay.NotifyBody(FakeWeChatPay.Transaction("20990101000000NOSUCHORDER", 1m));

        var (code, _) = await PostAsync(FakeWeChatPay.NotifyRequest(body));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("unknown out_trade_no", Assert.Single(await LogsAsync("20990101000000NOSUCHORDER")).Reason);
    }

    [Fact]
    public async Task A_notify_for_an_unpaid_trade_is_received_without_paying_the_order()
    {
        var order = await NewOrderAsync(8);

        var (code, _) = await PostAsync(FakeWeChatPay.NotifyRequest(Paid(order, tradeState: "NOTPAY")));

        Assert.Equal(HttpStatusCode.NoContent, code);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(NotifyVerdict.Ignored, Assert.Single(await LogsAsync(order.OutTradeNo)).Verdict);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_and_logged_for_wechat()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/order/wechat/notify/") { Content = new FormUrlEncodedContent([new("a", "b")]) };

        var (code, body) = await PostAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("FAIL", body);
        var log = await app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.Reason.StartsWith("not JSON")).OrderByDescending(l => l.Id).FirstAsync());
        Assert.Equal("WeChat", log.Provider);
    }

    [Fact]
    public async Task A_wechat_notify_for_an_order_placed_with_alipay_does_not_pay_it_and_says_why_in_chinese()
    {
        var (learner, _) = await app.CreateLearnerAsync("wx");
        var alipayOrder = await app.PlaceOrderAsync(learner, 9);

        var (code, _) = await PostAsync(FakeWeChatPay.NotifyRequest(Paid(alipayOrder)));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        var order = await app.OrderAsync(alipayOrder.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, null), (order.Status, order.TradeNo));
        var log = Assert.Single(await LogsAsync(alipayOrder.OutTradeNo));
        Assert.Equal((NotifyVerdict.Rejected, "WeChat"), (log.Verdict, log.Provider));
        Assert.StartsWith("pay_type mismatch: WeChat notified an order placed with Alipay", log.Reason);
        Assert.StartsWith("支付方式不符", NotifyReasons.ToChinese(log.Reason));
    }

    [Fact]
    public async Task An_alipay_notify_for_an_order_placed_with_wechat_pay_does_not_pay_it()
    {
        var order = await NewOrderAsync(10);

        var answer = await app.CreateClient().PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed());

        Assert.Equal("failure", answer);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        var log = Assert.Single(await LogsAsync(order.OutTradeNo));
        Assert.Equal((NotifyVerdict.Rejected, "Alipay"), (log.Verdict, log.Provider));
        Assert.StartsWith("pay_type mismatch: Alipay notified an order placed with WeChat", log.Reason);
    }
}
