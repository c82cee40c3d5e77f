using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders.Payments;

/// <summary>
/// The back office's refunds against the Alipay simulator over real HTTP: the answer to the refund call and the
/// refund notifies the simulator sends afterwards must agree on one state.
/// </summary>
public sealed class SimulatorRefundTests(SimulatorApp sim) : IClassFixture<SimulatorApp>
{
    private async Task<RefundOutcome> RefundAsync(Order order, decimal amount, string reason)
    {
        var refundedSeen = (await sim.App.OrderAsync(order.OutTradeNo)).RefundedAmount;
        var admin = await sim.App.AdminAsync();
        return await sim.App.WithAsync<AdminRefunds, RefundOutcome>(r => r.RefundAsync(new RefundAsk(order.OutTradeNo, amount, reason, refundedSeen), admin));
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

    [Fact]
    public async Task A_refund_whose_answers_are_lost_is_confirmed_by_the_simulators_refund_query_and_paid_once()
    {
        var lose = new RefundAnswerLoss();
        using var lossy = new SimulatorApp(new Dictionary<string, string?>(),
            services => services.AddHttpClient<IAlipayClient, AlipayClient>().AddHttpMessageHandler(() => new LoseRefundAnswers(lose)));
        var (learner, _) = await lossy.App.CreateLearnerAsync();
        var order = await lossy.App.PlaceOrderAsync(learner, 9); // 79.00
        (await Cashier.PayAsync(lossy.Browser(), lossy.PayUrl(order))).Dispose();
        await lossy.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        var admin = await lossy.App.AdminAsync();

        lose.Enabled = true;
        var first = await lossy.App.WithAsync<AdminRefunds, RefundOutcome>(
            r => r.RefundAsync(new RefundAsk(order.OutTradeNo, 30.00m, "部分退款", 0m), admin));
        lose.Enabled = false;
        var pending = await lossy.App.QueryAsync(db => db.OrderRefunds.AsNoTracking().SingleAsync(r => r.OrderId == order.Id));
        var retried = await lossy.App.WithAsync<AdminRefunds, RefundOutcome>(r => r.RetryAsync(order.OutTradeNo, pending.OutRequestNo, admin));

        Assert.Equal(RefundResult.Unknown, first.Result);
        Assert.True(lose.Lost > 0);
        Assert.Equal(RefundStatus.Pending, pending.Status);
        Assert.True(retried.Succeeded, retried.Message);
        Assert.Equal(0, lose.RefundsSentWhileOff); // the retry asked fastpay.refund.query and found the refund made
        var trade = (await lossy.Alipay.QueryTradeAsync(order.OutTradeNo)).Data!;
        var atSimulator = (await lossy.Alipay.QueryRefundAsync(order.OutTradeNo, pending.OutRequestNo)).Data!;
        Assert.Equal(("TRADE_SUCCESS", 30.00m), (trade.TradeStatus, atSimulator.RefundAmount!.Value));
        var paid = await lossy.App.WaitForAsync(order.OutTradeNo, o => o.RefundedAmount == 30.00m);
        Assert.Equal(OrderStatus.Paid, paid.Status);
    }

    private sealed class RefundAnswerLoss
    {
        public volatile bool Enabled;
        public int Lost;
        public int RefundsSentWhileOff;
    }

    /// <summary>Lets refund requests reach the simulator but loses their answers, as a network timeout would.</summary>
    private sealed class LoseRefundAnswers(RefundAnswerLoss loss) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var isRefund = (await request.Content!.ReadAsStringAsync(ct)).Contains("method=alipay.trade.refund&", StringComparison.Ordinal);
            var response = await base.SendAsync(request, ct);
            if (isRefund && loss.Enabled)
            {
                response.Dispose();
                Interlocked.Increment(ref loss.Lost);
                throw new HttpRequestException("the answer was lost");
            }

            if (isRefund)
            {
                Interlocked.Increment(ref loss.RefundsSentWhileOff);
            }

            return response;
        }
    }
}
