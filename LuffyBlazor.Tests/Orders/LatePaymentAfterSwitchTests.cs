using System.Net;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// A learner switched an Alipay order to WeChat Pay (去支付 → 微信支付), but had Alipay's cashier open from before — its
/// trade did not exist yet when the switch closed it — and paid there. That money is the order's payment: the order is
/// paid with Alipay's trade and pay type, and WeChat's trade is closed. Paying with both is a second payment, refused
/// for an admin to refund, whichever notify comes first or if they race.
/// </summary>
public sealed class LatePaymentAfterSwitchTests(BothProvidersApp fixture) : IClassFixture<BothProvidersApp>
{
    private readonly WeChatPayApp app = fixture.App;

    /// <summary>An Alipay order Alipay never saw, switched to WeChat Pay, whose WeChat trade waits for the buyer.</summary>
    private async Task<Order> SwitchedToWeChatAsync(int course)
    {
        var (learner, _) = await app.CreateLearnerAsync("late");
        var order = await app.PlaceOrderAsync(learner, course);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var outcome = await scope.ServiceProvider.GetRequiredService<PayTypeSwitch>().SwitchAsync(learner, order.OutTradeNo, PayType.WeChat);
            Assert.Equal(SwitchResult.Ready, outcome.Result);
        }

        fixture.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount, "NOTPAY"));
        fixture.WeChat.On($"/out-trade-no/{order.OutTradeNo}/close", 204, null);
        return order;
    }

    private Task<string> AlipayPaysAsync(Order order, string tradeNo, string status = "TRADE_SUCCESS")
    {
        var form = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount, status);
        form["trade_no"] = tradeNo;
        return app.CreateClient().PostNotifyAsync(form.Signed());
    }

    private async Task<HttpStatusCode> WeChatPaysAsync(Order order, string transactionId)
    {
        using var response = await app.CreateClient().SendAsync(FakeWeChatPay.NotifyRequest(
            FakeWeChatPay.NotifyBody(FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount, transactionId: transactionId))));
        return response.StatusCode;
    }

    private Task<List<NotifyLog>> LogsAsync(Order order) =>
        app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.OutTradeNo == order.OutTradeNo).OrderBy(l => l.Id).ToListAsync());

    private Task<List<OrderStatusChange>> PaidRowsAsync(Order order) =>
        app.QueryAsync(db => db.OrderStatusChanges.AsNoTracking().Where(c => c.OrderId == order.Id && c.To == OrderStatus.Paid).ToListAsync());

    private bool WeChatClosed(Order order) =>
        fixture.WeChat.Calls.Any(c => c.PathAndQuery == $"/v3/pay/transactions/out-trade-no/{order.OutTradeNo}/close" && c.SignatureValid);

    [Fact]
    public async Task Alipay_money_after_the_switch_pays_the_order_moves_its_pay_type_back_and_closes_the_wechat_trade()
    {
        var order = await SwitchedToWeChatAsync(1);

        var answer = await AlipayPaysAsync(order, "2026120322001446000000000101");

        Assert.Equal("success", answer);
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, PayType.Alipay, "2026120322001446000000000101"), (paid.Status, paid.PayType, paid.TradeNo));
        Assert.Equal("付款经由支付宝到达，支付方式由微信支付改回支付宝", Assert.Single(await PaidRowsAsync(order)).Reason);
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
        var log = Assert.Single(await LogsAsync(order));
        Assert.StartsWith("marked paid with Alipay, which this order had left for WeChat", log.Reason);
        Assert.StartsWith("付款已入账：订单曾改用另一种支付方式", NotifyReasons.ToChinese(log.Reason));
        // Closed in the background, after the answer: the buyer cannot pay the QR code as well.
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!WeChatClosed(order) && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        Assert.True(WeChatClosed(order), "the WeChat trade was not closed");
        Assert.Equal("success", await AlipayPaysAsync(order, "2026120322001446000000000101")); // Alipay's retry: a copy
    }

    [Fact]
    public async Task Paid_with_wechat_first_the_later_alipay_payment_is_refused_as_a_second_payment()
    {
        var order = await SwitchedToWeChatAsync(2);
        Assert.Equal(HttpStatusCode.NoContent, await WeChatPaysAsync(order, "4200000000202612030000000102"));

        var answer = await AlipayPaysAsync(order, "2026120322001446000000000102");

        Assert.Equal("failure", answer);
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, PayType.WeChat, "4200000000202612030000000102"), (paid.Status, paid.PayType, paid.TradeNo));
        var refused = (await LogsAsync(order)).Last();
        Assert.Equal(NotifyVerdict.Rejected, refused.Verdict);
        Assert.StartsWith("second payment: trade_no 2026120322001446000000000102", refused.Reason);
        Assert.StartsWith("重复付款", NotifyReasons.ToChinese(refused.Reason));
        Assert.Single(await PaidRowsAsync(order));
    }

    [Fact]
    public async Task Paid_with_alipay_after_the_switch_a_later_wechat_payment_is_refused_as_a_second_payment()
    {
        var order = await SwitchedToWeChatAsync(3);
        Assert.Equal("success", await AlipayPaysAsync(order, "2026120322001446000000000103"));

        var code = await WeChatPaysAsync(order, "4200000000202612030000000103");

        Assert.NotEqual(HttpStatusCode.NoContent, code);
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((PayType.Alipay, "2026120322001446000000000103"), (paid.PayType, paid.TradeNo));
        Assert.StartsWith("second payment: trade_no 4200000000202612030000000103", (await LogsAsync(order)).Last().Reason);
    }

    [Fact]
    public async Task Both_payments_racing_leave_one_payment_whose_pay_type_matches_its_trade()
    {
        var order = await SwitchedToWeChatAsync(4);

        var alipay = AlipayPaysAsync(order, "2026120322001446000000000104");
        var weChat = WeChatPaysAsync(order, "4200000000202612030000000104");
        var accepted = new[] { await alipay == "success", await weChat == HttpStatusCode.NoContent };

        Assert.Single(accepted, a => a);
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.Equal(accepted[0] ? (PayType.Alipay, "2026120322001446000000000104") : (PayType.WeChat, "4200000000202612030000000104"), (paid.PayType, paid.TradeNo));
        Assert.Single(await PaidRowsAsync(order));
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
    }

    [Fact]
    public async Task A_closed_trade_at_the_provider_the_order_left_is_answered_and_changes_nothing()
    {
        var order = await SwitchedToWeChatAsync(5);

        var answer = await AlipayPaysAsync(order, "2026120322001446000000000105", "TRADE_CLOSED");

        Assert.Equal("success", answer);
        var after = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, PayType.WeChat), (after.Status, after.PayType));
        var log = Assert.Single(await LogsAsync(order));
        Assert.Equal(NotifyVerdict.Ignored, log.Verdict);
        Assert.StartsWith("订单已改用另一种支付方式", NotifyReasons.ToChinese(log.Reason));
    }
}
