using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Orders.Payments;

/// <summary>
/// The back office's refunds against the Alipay simulator over real HTTP: the answer to the refund call and the
/// refund notifies the simulator sends afterwards must agree on one state.
/// </summary>
public sealed class SimulatorRefundTests(SimulatorApp sim) : IClassFixture<SimulatorApp>
{
    private async Task<RefundOutcome> RefundAsync(Order order, decimal amount, string reason)
    {
        var admin = await sim.App.AdminAsync();
        return await sim.App.WithAsync<AdminRefunds, RefundOutcome>(r => r.RefundAsync(order.OutTradeNo, amount, reason, admin));
    }

    [Fact]
    public async Task An_admin_refunds_part_then_the_rest_and_the_simulator_and_the_shop_agree()
    {
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 1, 7); // 198.00 + 59.00
        (await Cashier.PayAsync(sim.Browser(), sim.PayUrl(order))).Dispose();
        await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);

        var partial = await RefundAsync(order, 59.00m, "只退 Shell 课");
        var trade = (await sim.Alipay.QueryTradeAsync(order.OutTradeNo)).Data!;
        var rest = await RefundAsync(order, 198.00m, "全部退掉");
        // The simulator's refund notifies (one per refund, sent twice) arrive after the answers: they change nothing.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var refunded = await sim.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Refunded);

        Assert.True(partial.Succeeded, partial.Message);
        Assert.Equal(("TRADE_SUCCESS", 257.00m), (trade.TradeStatus, trade.TotalAmount));
        Assert.True(rest.Succeeded, rest.Message);
        Assert.Equal(257.00m, refunded.RefundedAmount);
        Assert.Equal("TRADE_CLOSED", (await sim.Alipay.QueryTradeAsync(order.OutTradeNo)).Data!.TradeStatus);
        var firstRefund = (await sim.Alipay.QueryRefundAsync(order.OutTradeNo, $"{order.OutTradeNo}_R1")).Data!;
        Assert.Equal((true, 59.00m), (firstRefund.IsRefunded, firstRefund.RefundAmount!.Value));
        Assert.Equal(0, await sim.App.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
        Assert.Equal(1, await sim.App.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Refunded)));
        var rows = await sim.App.QueryAsync(db => db.OrderRefunds.AsNoTracking().Where(r => r.OrderId == order.Id).OrderBy(r => r.Id).ToListAsync());
        Assert.Equal([(RefundStatus.Succeeded, 59.00m), (RefundStatus.Succeeded, 198.00m)], rows.Select(r => (r.Status, r.Amount)));
    }
}
