using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Admin;

/// <summary>An admin's sync and close on an order, against the scripted gateway, with their audit records.</summary>
public sealed class AdminOrderActionTests(ScriptedAlipayApp fixture) : IClassFixture<ScriptedAlipayApp>
{
    private readonly LuffyAppFactory app = fixture.App;
    private readonly ScriptedAlipay alipay = fixture.Alipay;

    private async Task<Order> UnpaidOrderAsync(int courseId)
    {
        var (learner, _) = await app.CreateLearnerAsync();
        return await app.PlaceOrderAsync(learner, courseId);
    }

    private async Task<AdminActionOutcome> ActAsync(Func<AdminOrderActions, AdminActor, Task<AdminActionOutcome>> action)
    {
        var admin = await app.AdminAsync();
        return await app.WithAsync<AdminOrderActions, AdminActionOutcome>(actions => action(actions, admin));
    }

    private Task<AdminAuditEntry> LastAuditAsync(Order order) => app.QueryAsync(db => db.AdminAuditEntries.AsNoTracking()
        .Where(e => e.Target == AuditTargets.Order(order.OutTradeNo)).OrderBy(e => e.Id).LastAsync());

    [Fact]
    public async Task Sync_applies_a_payment_alipay_confirms_through_the_notify_path_and_is_audited()
    {
        var order = await UnpaidOrderAsync(5);
        alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);

        var outcome = await ActAsync((a, admin) => a.SyncAsync(order.OutTradeNo, "学员说已付款", admin));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.True(await app.QueryAsync(db => db.CourseOwnerships.AnyAsync(x => x.OrderId == order.Id)));
        var change = await app.QueryAsync(db => db.OrderStatusChanges.Where(c => c.OrderId == order.Id).OrderBy(c => c.Id).LastAsync());
        Assert.Equal("admin:admin", change.Actor);
        var entry = await LastAuditAsync(order);
        Assert.Equal((AdminActions.OrderSync, "admin", "学员说已付款", true, "支付成功"), (entry.Action, entry.AdminName, entry.Reason, entry.Succeeded, entry.Outcome));
        Assert.Equal(fixture.Clock.GetUtcNow().UtcDateTime, entry.At);
    }

    [Fact]
    public async Task Sync_of_a_payment_whose_trade_no_already_paid_another_order_is_refused_and_flags_the_order()
    {
        var order = await UnpaidOrderAsync(7);
        alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
        var other = await UnpaidOrderAsync(7);
        var tradeNoAtAlipay = ScriptedAlipay.TradeNoOf(order.OutTradeNo);
        await app.WithAsync<OrderTransitions, PaymentOutcome>(t => t.ApplyPaymentAsync(
            new PaymentConfirmation(other.OutTradeNo, tradeNoAtAlipay, other.TotalAmount, null, null), "alipay-notify"));

        var outcome = await ActAsync((a, admin) => a.SyncAsync(order.OutTradeNo, "学员说已付款", admin));

        Assert.False(outcome.Succeeded);
        Assert.Contains($"支付宝交易号 {tradeNoAtAlipay} 已用于另一订单", outcome.Message);
        var flagged = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, true), (flagged.Status, flagged.TradeNoConflict));
    }

    [Fact]
    public async Task Sync_of_a_trade_alipay_never_saw_changes_nothing_and_says_so()
    {
        var order = await UnpaidOrderAsync(6);

        var outcome = await ActAsync((a, admin) => a.SyncAsync(order.OutTradeNo, "核对", admin));

        Assert.Contains("支付宝尚无该笔交易", outcome.Message);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task Close_closes_the_trade_at_alipay_first_then_cancels_the_order_with_the_reason()
    {
        var order = await UnpaidOrderAsync(7);
        alipay.Trades[order.OutTradeNo] = ("WAIT_BUYER_PAY", order.TotalAmount);

        var outcome = await ActAsync((a, admin) => a.CloseAsync(order.OutTradeNo, "重复下单", admin));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("TRADE_CLOSED", alipay.Trades[order.OutTradeNo].Status);
        var closed = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Cancelled, "管理员关闭：重复下单"), (closed.Status, closed.CloseReason));
        Assert.Equal((AdminActions.OrderClose, "重复下单", true), ((await LastAuditAsync(order)).Action, (await LastAuditAsync(order)).Reason, (await LastAuditAsync(order)).Succeeded));
    }

    [Fact]
    public async Task Closing_an_order_that_was_just_paid_records_the_payment_instead()
    {
        var order = await UnpaidOrderAsync(9);
        alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);

        var outcome = await ActAsync((a, admin) => a.CloseAsync(order.OutTradeNo, "超时未付", admin));

        Assert.False(outcome.Succeeded);
        Assert.Equal("订单已支付，无法关闭", outcome.Message);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.False((await LastAuditAsync(order)).Succeeded);
    }

    [Fact]
    public async Task Closing_needs_a_reason()
    {
        var order = await UnpaidOrderAsync(10);

        var outcome = await ActAsync((a, admin) => a.CloseAsync(order.OutTradeNo, "  ", admin));

        Assert.False(outcome.Succeeded);
        Assert.Equal(0, alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"));
    }
}
