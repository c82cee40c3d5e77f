using System.Net;
using System.Text.Json;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// pay_type 2 end to end against a fake WeChat Pay: the REST API's code_url and h5_url, the trade sync, the sweeper's
/// close, and refunds with their safety rules (pending rows, unknown results confirmed by the refund query, the refund
/// notify).
/// </summary>
public sealed class WeChatPayOrderTests(WeChatPayApp app) : IClassFixture<WeChatPayApp>
{
    private async Task<HttpClient> LearnerApiAsync()
    {
        var (_, name) = await app.CreateLearnerAsync("wxapi");
        var token = await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword);
        return app.CreateClient().WithBearer(token);
    }

    private async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private static RefundRequester Admin => new("admin", "admin:admin");

    private Task<string> PriceAsync(int course) =>
        app.QueryAsync(db => db.Courses.Where(c => c.Id == course).Select(c => c.Price).FirstAsync()).ContinueWith(t => Money.Format(t.Result));

    [Fact]
    public async Task Paying_with_pay_type_2_on_a_desktop_answers_the_code_url_and_the_order_number()
    {
        app.WeChat.On("/v3/pay/transactions/native", call => new WeChatPayReply(200,
            JsonSerializer.Serialize(new { code_url = "weixin://wxpay/bizpayurl?pr=" + (string)call.Json!["out_trade_no"]! })));
        var client = await LearnerApiAsync();

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { total_amount = await PriceAsync(2), pay_type = 2, courses = new[] { 2 }, device = "desktop" });

        Assert.Equal(HttpStatusCode.OK, code);
        var data = body.GetProperty("data");
        var outTradeNo = data.GetProperty("out_trade_no").GetString()!;
        Assert.Equal("weixin://wxpay/bizpayurl?pr=" + outTradeNo, data.GetProperty("code_url").GetString());
        Assert.False(data.TryGetProperty("pay_url", out _));
        var order = await app.OrderAsync(outTradeNo);
        Assert.Equal(PayType.WeChat, order.PayType);
        var sent = app.WeChat.Calls.Last(c => c.PathAndQuery.EndsWith("/native", StringComparison.Ordinal)).Json!;
        Assert.Equal(Money.ToFen(order.TotalAmount), (long)sent["amount"]!["total"]!);
        // The order's deadline to the second, rounded down: WeChat stops taking money no later than the order stops.
        var early = new DateTimeOffset(order.ExpiresAt, TimeSpan.Zero) - DateTimeOffset.Parse((string)sent["time_expire"]!);
        Assert.InRange(early, TimeSpan.Zero, TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.EndsWith("+08:00", (string)sent["time_expire"]!);
    }

    [Fact]
    public async Task A_phone_gets_the_h5_url_by_its_user_agent()
    {
        app.WeChat.On("/v3/pay/transactions/h5", 200, new { h5_url = "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2" });
        var client = await LearnerApiAsync();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148");

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { total_amount = await PriceAsync(9), pay_type = 2, courses = new[] { 9 } });

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.StartsWith("https://wx.tenpay.com/", body.GetProperty("data").GetProperty("h5_url").GetString());
    }

    [Fact]
    public async Task An_unknown_device_is_refused_with_a_clear_message()
    {
        var client = await LearnerApiAsync();

        var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { total_amount = "99.00", pay_type = 2, courses = new[] { 2 }, device = "tv" });

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("device", body.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task A_wechat_refusal_to_start_answers_400_with_its_message()
    {
        var client = await LearnerApiAsync();
        app.WeChat.On("/v3/pay/transactions/native", 400, new { code = "PARAM_ERROR", message = "参数错误" });
        try
        {
            var (code, body) = await client.PostJsonAsync("/api/v1/order/pay/", new { total_amount = await PriceAsync(11), pay_type = 2, courses = new[] { 11 }, device = "desktop" });

            Assert.Equal(HttpStatusCode.BadRequest, code);
            Assert.Equal("微信支付下单失败：参数错误", body.GetProperty("msg").GetString());
        }
        finally
        {
            app.WeChat.On("/v3/pay/transactions/native", 200, new { code_url = "weixin://wxpay/bizpayurl?pr=ok" });
        }
    }

    [Fact]
    public async Task A_sync_records_a_payment_whose_notify_has_not_arrived()
    {
        var (learner, _) = await app.CreateLearnerAsync("wxsync");
        var order = await app.PlaceWeChatOrderAsync(learner, 4);
        app.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount));

        var status = await InScopeAsync(sp => sp.GetRequiredService<WeChatCheckout>().PaidYetAsync(learner, order.OutTradeNo, askWeChat: true));

        Assert.Equal(OrderStatus.Paid, status);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task Polling_without_asking_wechat_reads_the_database_only()
    {
        var (learner, _) = await app.CreateLearnerAsync("wxpoll");
        var order = await app.PlaceWeChatOrderAsync(learner, 5);
        var before = app.WeChat.Calls.Count;

        var status = await InScopeAsync(sp => sp.GetRequiredService<WeChatCheckout>().PaidYetAsync(learner, order.OutTradeNo, askWeChat: false));

        Assert.Equal(OrderStatus.Unpaid, status);
        Assert.Equal(before, app.WeChat.Calls.Count);
        Assert.Null(await InScopeAsync(sp => sp.GetRequiredService<WeChatCheckout>().PaidYetAsync("someone-else", order.OutTradeNo, askWeChat: true)));
    }

    [Fact]
    public async Task Closing_an_unpaid_wechat_order_closes_the_trade_at_wechat_first()
    {
        var (learner, _) = await app.CreateLearnerAsync("wxclose");
        var order = await app.PlaceWeChatOrderAsync(learner, 6);
        app.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount, "NOTPAY"));
        app.WeChat.On($"/out-trade-no/{order.OutTradeNo}/close", 204, null);

        var outcome = await InScopeAsync(sp => sp.GetRequiredService<PaymentReconciliation>()
            .CloseUnpaidAsync(order.OutTradeNo, OrderStatus.TimedOut, OrderTimeoutSweep.Actor, "超过支付期限未付款"));

        Assert.Equal(CloseResult.Closed, outcome.Result);
        Assert.Contains(app.WeChat.Calls, c => c.PathAndQuery == $"/v3/pay/transactions/out-trade-no/{order.OutTradeNo}/close" && c.SignatureValid);
        Assert.Equal(OrderStatus.TimedOut, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task A_refund_wechat_is_still_processing_stays_pending_until_its_refund_notify_settles_it()
    {
        var order = await app.PaidWeChatOrderAsync(7);
        app.WeChat.On("/v3/refund/domestic/refunds", call => new WeChatPayReply(200, JsonSerializer.Serialize(new
        {
            refund_id = "5030", out_refund_no = (string)call.Json!["out_refund_no"]!, out_trade_no = order.OutTradeNo, status = "PROCESSING",
            amount = new { total = Money.ToFen(order.TotalAmount), refund = 1000 },
        })));

        var outcome = await InScopeAsync(sp => sp.GetRequiredService<OrderRefunds>().RefundAsync(new RefundAsk(order.OutTradeNo, 10m, "学员申请", 0m), Admin));

        Assert.Equal(RefundResult.Unknown, outcome.Result);
        var refund = await app.QueryAsync(db => db.OrderRefunds.SingleAsync(r => r.OrderId == order.Id));
        Assert.Equal(RefundStatus.Pending, refund.Status);

        var notify = FakeWeChatPay.NotifyBody(new
        {
            mchid = WeChatPayTestKeys.MchId, out_trade_no = order.OutTradeNo, transaction_id = "4200", out_refund_no = refund.OutRequestNo, refund_id = "5030",
            refund_status = "SUCCESS", success_time = "2026-11-25T17:00:00+08:00", amount = new { total = Money.ToFen(order.TotalAmount), refund = 1000 },
        }, "REFUND.SUCCESS");
        using var response = await app.CreateClient().SendAsync(FakeWeChatPay.NotifyRequest(notify));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(RefundStatus.Succeeded, (await app.QueryAsync(db => db.OrderRefunds.SingleAsync(r => r.OrderId == order.Id))).Status);
        var after = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, 10m), (after.Status, after.RefundedAmount));
        var log = await app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.OutTradeNo == order.OutTradeNo).OrderByDescending(l => l.Id).FirstAsync());
        Assert.Equal(("REFUND.SUCCESS", "WeChat", NotifyVerdict.Accepted), (log.TradeStatus, log.Provider, log.Verdict));

        // The same notify again changes nothing.
        using var again = await app.CreateClient().SendAsync(FakeWeChatPay.NotifyRequest(notify));
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(10m, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount);
    }

    [Fact]
    public async Task A_full_refund_wechat_confirms_refunds_the_order_and_withdraws_its_course()
    {
        var order = await app.PaidWeChatOrderAsync(8);
        app.WeChat.On("/v3/refund/domestic/refunds", call => new WeChatPayReply(200, JsonSerializer.Serialize(new
        {
            out_refund_no = (string)call.Json!["out_refund_no"]!, out_trade_no = order.OutTradeNo, status = "SUCCESS",
            amount = new { total = Money.ToFen(order.TotalAmount), refund = Money.ToFen(order.TotalAmount) },
        })));

        var outcome = await InScopeAsync(sp => sp.GetRequiredService<OrderRefunds>().RefundAsync(new RefundAsk(order.OutTradeNo, order.TotalAmount, "课程不合适", 0m), Admin));

        Assert.Equal(RefundResult.Succeeded, outcome.Result);
        Assert.Equal(OrderStatus.Refunded, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(0, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
    }

    [Fact]
    public async Task A_refund_with_no_answer_is_retried_only_after_the_refund_query_says_wechat_never_got_it()
    {
        var order = await app.PaidWeChatOrderAsync(10);
        var failing = true;
        app.WeChat.On("/v3/refund/domestic/refunds", call => failing
            ? new WeChatPayReply(500, """{"code":"SYSTEM_ERROR","message":"系统错误"}""")
            : new WeChatPayReply(200, JsonSerializer.Serialize(new { out_refund_no = (string)call.Json!["out_refund_no"]!, out_trade_no = order.OutTradeNo, status = "SUCCESS" })));

        // SYSTEM_ERROR on every attempt (the client's own retries included): the result is unknown.
        var first = await InScopeAsync(sp => sp.GetRequiredService<OrderRefunds>().RefundAsync(new RefundAsk(order.OutTradeNo, 5m, "部分退款", 0m), Admin));
        var pending = await app.QueryAsync(db => db.OrderRefunds.SingleAsync(r => r.OrderId == order.Id));
        Assert.Equal(RefundStatus.Pending, pending.Status);
        Assert.Equal(0m, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount);
        failing = false;
        // The refund query (unscripted) answers 404: WeChat never received it, so the same out_refund_no goes again.
        var retried = await InScopeAsync(sp => sp.GetRequiredService<OrderRefunds>().RetryAsync(order.OutTradeNo, pending.OutRequestNo, Admin));

        Assert.Equal((RefundResult.Unknown, RefundResult.Succeeded), (first.Result, retried.Result));
        Assert.Contains(app.WeChat.Calls, c => c.PathAndQuery == $"/v3/refund/domestic/refunds/{pending.OutRequestNo}");
        var bodies = app.WeChat.Calls.Where(c => c.PathAndQuery == "/v3/refund/domestic/refunds").Select(c => (string)c.Json!["out_refund_no"]!).ToList();
        Assert.Equal([pending.OutRequestNo, pending.OutRequestNo], bodies.TakeLast(2));
        Assert.Equal(5m, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount);
    }
}
