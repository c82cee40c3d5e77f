using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders.Payments;

/// <summary>
/// The shop's side of a notify, fed directly in its own terms: what a second provider's endpoint would hand over.
/// (The whole path from Alipay's form is in <see cref="NotifyTests"/>.)
/// </summary>
public sealed class PaymentNotifyHandlerTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private static readonly PaymentProvider OtherProvider = new("WeChat", "微信支付", "wechat-notify");
    private const string OurAppId = "wx-our-app";

    private async Task<Order> NewOrderAsync(int course)
    {
        var (learner, _) = await app.CreateLearnerAsync();
        return await app.PlaceOrderAsync(learner, course);
    }

    private static ReceivedNotify Received(
        Order order, TradeState state, string? refusal = null, decimal? amount = null, string appId = OurAppId, string? merchant = null, string? ourMerchant = null) => new(
        OtherProvider, OurAppId, [new("out_trade_no", order.OutTradeNo), new("trade_state", state.ToString())],
        new PaymentNotification(appId, order.OutTradeNo, "N-" + Guid.NewGuid().ToString("N")[..8], state.ToString(), state,
            TradeNoOf(order), amount ?? order.TotalAmount, DateTimeOffset.Parse("2026-11-25T02:00:05Z"), "o-buyer", null, merchant),
        refusal, "203.0.113.7", ourMerchant);

    /// <summary>The provider's number for the order's trade: one trade pays one order.</summary>
    private static string TradeNoOf(Order order) => "4200001234" + order.OutTradeNo[^18..];

    private async Task<bool> HandleAsync(ReceivedNotify notify)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPaymentNotifyHandler>().HandleAsync(notify, CancellationToken.None);
    }

    private Task<List<NotifyLog>> LogsAsync(Order order) =>
        app.QueryAsync(db => db.NotifyLogs.AsNoTracking().Where(l => l.OutTradeNo == order.OutTradeNo).OrderBy(l => l.Id).ToListAsync());

    [Fact]
    public async Task Another_providers_payment_pays_the_order_once_in_that_providers_name()
    {
        var order = await NewOrderAsync(2);

        Assert.True(await HandleAsync(Received(order, TradeState.Paid)));
        Assert.True(await HandleAsync(Received(order, TradeState.Paid)));

        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, TradeNoOf(order), "o-buyer"), (paid.Status, paid.TradeNo, paid.BuyerId));
        var change = await app.QueryAsync(db => db.OrderStatusChanges.SingleAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid));
        Assert.Equal("wechat-notify", change.Actor);
        var logs = await LogsAsync(order);
        Assert.Equal([(NotifyVerdict.Accepted, "marked paid"), (NotifyVerdict.Accepted, "already paid; nothing changed")], logs.Select(l => (l.Verdict, l.Reason)));
        Assert.All(logs, l => Assert.Equal(("Paid", "203.0.113.7"), (l.TradeStatus, l.RemoteIp)));
        Assert.Contains("\"trade_state\":\"Paid\"", logs[0].RawParameters);
    }

    [Fact]
    public async Task What_the_provider_could_not_verify_changes_nothing_and_is_logged_with_its_reason()
    {
        var order = await NewOrderAsync(3);

        Assert.False(await HandleAsync(Received(order, TradeState.Paid, refusal: "signature does not verify with the platform certificate")));

        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        var log = Assert.Single(await LogsAsync(order));
        Assert.Equal((NotifyVerdict.Rejected, "signature does not verify with the platform certificate"), (log.Verdict, log.Reason));
    }

    [Fact]
    public async Task A_configured_merchant_account_is_checked_and_an_unconfigured_one_is_not()
    {
        var order = await NewOrderAsync(6);

        Assert.False(await HandleAsync(Received(order, TradeState.Paid, merchant: "1900000109", ourMerchant: "1900000001")));
        Assert.False(await HandleAsync(Received(order, TradeState.Paid, merchant: null, ourMerchant: "1900000001")));
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.True(await HandleAsync(Received(order, TradeState.Paid, merchant: "1900000109")));

        Assert.Equal(
            ["seller_id 1900000109 is not ours (1900000001)", "seller_id (none) is not ours (1900000001)", "marked paid"],
            (await LogsAsync(order)).Select(l => l.Reason));
    }

    [Fact]
    public async Task The_shop_still_checks_the_app_id_and_the_amount_whoever_verified_the_notify()
    {
        var order = await NewOrderAsync(4);

        Assert.False(await HandleAsync(Received(order, TradeState.Paid, appId: "wx-someone-else")));
        Assert.False(await HandleAsync(Received(order, TradeState.Paid, amount: order.TotalAmount + 1m)));

        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(["app_id wx-someone-else is not ours", $"total_amount {order.TotalAmount + 1m} does not match the order total {order.TotalAmount}"],
            (await LogsAsync(order)).Select(l => l.Reason));
    }

    [Fact]
    public async Task A_closed_trade_cancels_an_unpaid_order_with_the_providers_name_in_its_history()
    {
        var order = await NewOrderAsync(5);

        Assert.True(await HandleAsync(Received(order, TradeState.Closed)));

        Assert.Equal(OrderStatus.Cancelled, (await app.OrderAsync(order.OutTradeNo)).Status);
        var change = await app.QueryAsync(db => db.OrderStatusChanges.SingleAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Cancelled));
        Assert.Equal(("wechat-notify", "微信支付交易关闭"), (change.Actor, change.Reason));
    }

    [Fact]
    public async Task An_unknown_trade_state_is_refused()
    {
        var order = await NewOrderAsync(6);

        Assert.False(await HandleAsync(Received(order, TradeState.Unknown)));

        Assert.Equal("unknown trade_status Unknown", Assert.Single(await LogsAsync(order)).Reason);
    }
}
