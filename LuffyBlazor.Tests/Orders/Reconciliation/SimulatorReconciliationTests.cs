using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Orders.Reconciliation;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders.Reconciliation;

/// <summary>
/// The whole path offline: purchases and refunds through the simulator, each kind of difference made on one side
/// only, the simulator's statement downloaded and compared with the books, and the repair through trade.query.
/// </summary>
public sealed class SimulatorReconciliationTests(SimulatorApp sim) : IClassFixture<SimulatorApp>
{
    private async Task<Order> PaidThroughCashierAsync(int course, string? fault = null)
    {
        var order = await sim.App.PlaceOrderAsync((await sim.App.CreateLearnerAsync()).Id, course);
        var faults = fault is null ? null : new Dictionary<string, string> { ["fault"] = fault };
        (await Cashier.PayAsync(sim.Browser(), sim.PayUrl(order), faults)).Dispose();
        return order;
    }

    private Task<RefundOutcome> RefundHereAsync(Order order, decimal amount) =>
        sim.App.WithAsync<OrderRefunds, RefundOutcome>(r => r.RefundAsync(new RefundAsk(order.OutTradeNo, amount, "测试退款", RefundedSeen: 0m), new RefundRequester("test", "admin:test")));

    private Task<ReconciliationRun> ReconcileAsync(DateOnly day) =>
        sim.App.WithAsync<StatementReconciliation, ReconciliationRun>(r => r.RunAsync(day, "admin:test"));

    [Fact]
    public async Task Each_kind_of_difference_made_on_one_side_is_found_and_the_unpaid_one_is_repaired_through_trade_query()
    {
        // Alike on both sides: a payment and part of it refunded here (and at Alipay).
        var alike = await PaidThroughCashierAsync(1);
        var day = BeijingDay((await sim.App.WaitForStatusAsync(alike.OutTradeNo, OrderStatus.Paid)).PayTime!.Value);
        Assert.True((await RefundHereAsync(alike, 59.00m)).Succeeded);
        // Paid at Alipay, unpaid here: the notify never arrives.
        var lostNotify = await PaidThroughCashierAsync(2, nameof(NotifyFault.Drop));
        // Paid here, unknown to Alipay: a payment recorded without a trade.
        var paidHere = await sim.App.PlaceOrderAsync((await sim.App.CreateLearnerAsync()).Id, 3);
        await sim.App.WithAsync<OrderTransitions, PaymentOutcome>(t => t.ApplyPaymentAsync(
            new PaymentConfirmation(paidHere.OutTradeNo, "2026112522001499990000000001", paidHere.TotalAmount, DateTimeOffset.UtcNow, "2088000000000009"), "test"));
        // Alipay's trade holds another amount than the order.
        var otherAmount = await PaidThroughCashierAsync(4);
        await sim.App.WaitForStatusAsync(otherAmount.OutTradeNo, OrderStatus.Paid);
        await sim.App.QuerySimulatorAsync(db => db.Trades.Where(t => t.OutTradeNo == otherAmount.OutTradeNo)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.TotalAmount, otherAmount.TotalAmount + 1.00m)));
        // Refunded at Alipay (from its own console, say), with no refund record here.
        var refundedThere = await PaidThroughCashierAsync(5);
        await sim.App.WaitForStatusAsync(refundedThere.OutTradeNo, OrderStatus.Paid);
        Assert.True((await sim.Alipay.RefundAsync(new AlipayRefundRequest(refundedThere.OutTradeNo, 10.00m, refundedThere.OutTradeNo + "_X1", "平台退款"))).IsSuccess);
        // Refunded here, with no refund in Alipay's records.
        var refundedHere = await PaidThroughCashierAsync(6);
        await sim.App.WaitForStatusAsync(refundedHere.OutTradeNo, OrderStatus.Paid);
        Assert.True((await RefundHereAsync(refundedHere, 5.00m)).Succeeded);
        await sim.App.QuerySimulatorAsync(db => db.Refunds.Where(r => r.OutRequestNo == refundedHere.OutTradeNo + "_R1").ExecuteDeleteAsync());

        var run = await ReconcileAsync(day);

        Assert.True(run.Succeeded, run.Message);
        var ours = new[] { alike, lostNotify, paidHere, otherAmount, refundedThere, refundedHere }.Select(o => o.OutTradeNo).ToHashSet();
        var found = (await Mismatches(day)).Where(m => ours.Contains(m.OutTradeNo)).OrderBy(m => m.Kind).ToList();
        Assert.Equal(
            [
                (MismatchKind.PaidAtAlipayOnly, lostNotify.OutTradeNo, (decimal?)lostNotify.TotalAmount, (decimal?)lostNotify.TotalAmount),
                (MismatchKind.PaidHereOnly, paidHere.OutTradeNo, null, paidHere.TotalAmount),
                (MismatchKind.AmountDiffers, otherAmount.OutTradeNo, otherAmount.TotalAmount + 1.00m, otherAmount.TotalAmount),
                (MismatchKind.RefundDiffers, refundedThere.OutTradeNo, 10.00m, null),
                (MismatchKind.RefundDiffers, refundedHere.OutTradeNo, null, 5.00m),
            ],
            found.Select(m => (m.Kind, m.OutTradeNo, m.AlipayAmount, m.ShopAmount)).OrderBy(m => m.Kind).ThenBy(m => m.AlipayAmount is null));
        var stored = await sim.App.QueryAsync(db => db.ReconciliationDays.AsNoTracking().SingleAsync(d => d.Date == day));
        Assert.Equal(ReconciliationStatus.Done, stored.Status);
        // Whatever else was paid that day is in both books alike: the books differ by exactly what was made to differ.
        Assert.Equal(lostNotify.TotalAmount + 1.00m - paidHere.TotalAmount, stored.AlipayIncome - stored.ShopIncome);
        Assert.Equal(10.00m - 5.00m, stored.AlipayRefunds - stored.ShopRefunds);

        var repair = await sim.App.WithAsync<ReconciliationRepairs, ReconciliationRun>(r =>
            r.RepairAsync(found.Single(m => m.Kind == MismatchKind.PaidAtAlipayOnly).Id, "admin:test"));
        var again = await sim.App.WithAsync<ReconciliationRepairs, ReconciliationRun>(r =>
            r.RepairAsync(found.Single(m => m.Kind == MismatchKind.AmountDiffers).Id, "admin:test"));

        Assert.True(repair.Succeeded, repair.Message);
        var repaired = await sim.App.OrderAsync(lostNotify.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, 1), (repaired.Status, await sim.App.QueryAsync(db =>
            db.OrderStatusChanges.CountAsync(c => c.OrderId == repaired.Id && c.To == OrderStatus.Paid && c.Actor == "admin:test"))));
        Assert.False(again.Succeeded);
        Assert.Contains("只有“支付宝已收款、本地未支付”", again.Message);
        Assert.DoesNotContain((await Mismatches(day)).Where(m => ours.Contains(m.OutTradeNo)), m => m.Kind == MismatchKind.PaidAtAlipayOnly && m.RepairedAt is null);
    }

    [Fact]
    public async Task Running_a_day_again_replaces_its_result_instead_of_adding_to_it()
    {
        var order = await PaidThroughCashierAsync(7);
        var day = BeijingDay((await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid)).PayTime!.Value);

        var first = await ReconcileAsync(day);
        var afterFirst = await sim.App.QueryAsync(db => db.ReconciliationDays.AsNoTracking().SingleAsync(d => d.Date == day));
        var mismatchesAfterFirst = (await Mismatches(day)).Count;
        var second = await ReconcileAsync(day);

        Assert.True(first.Succeeded && second.Succeeded, second.Message);
        Assert.DoesNotContain(await Mismatches(day), m => m.OutTradeNo == order.OutTradeNo);
        var afterSecond = await sim.App.QueryAsync(db => db.ReconciliationDays.AsNoTracking().SingleAsync(d => d.Date == day));
        Assert.Equal(afterFirst.Attempts + 1, afterSecond.Attempts);
        Assert.Equal((afterFirst.MatchedCount, afterFirst.ShopIncome, mismatchesAfterFirst), (afterSecond.MatchedCount, afterSecond.ShopIncome, (await Mismatches(day)).Count));
        Assert.Null(afterSecond.ClaimedUntil);
    }

    private Task<List<ReconciliationMismatch>> Mismatches(DateOnly day) => sim.App.QueryAsync(db =>
        db.ReconciliationMismatches.AsNoTracking().Join(db.ReconciliationDays.Where(d => d.Date == day), m => m.DayId, d => d.Id, (m, _) => m).ToListAsync());

    private static DateOnly BeijingDay(DateTime utc) => DateOnly.FromDateTime(new DateTimeOffset(utc, TimeSpan.Zero).ToOffset(BeijingTime.Offset).DateTime);
}
