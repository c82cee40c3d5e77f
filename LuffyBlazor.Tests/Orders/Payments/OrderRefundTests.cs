using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Orders.Payments;

/// <summary>Refunds through <c>alipay.trade.refund</c> against the scripted gateway.</summary>
public sealed class OrderRefundTests(ScriptedAlipayApp fixture) : IClassFixture<ScriptedAlipayApp>
{
    private readonly LuffyAppFactory app = fixture.App;
    private readonly ScriptedAlipay alipay = fixture.Alipay;

    private Task<Order> PaidAtAlipayAsync(params int[] courseIds) => fixture.PaidAtAlipayAsync(courseIds);

    /// <summary>An admin who has just opened the order's page (and seen its refunded total) refunds.</summary>
    private async Task<RefundOutcome> RefundAsync(Order order, decimal amount, string reason = "学员申请退款") =>
        await RefundSeeingAsync((await app.OrderAsync(order.OutTradeNo)).RefundedAmount, order, amount, reason);

    private async Task<RefundOutcome> RefundSeeingAsync(decimal refundedSeen, Order order, decimal amount, string reason = "学员申请退款")
    {
        var admin = await app.AdminAsync();
        return await app.WithAsync<OrderRefunds, RefundOutcome>(
            r => r.RefundAsync(new RefundAsk(order.OutTradeNo, amount, reason, refundedSeen), new RefundRequester(admin.UserName, admin.Actor)));
    }

    private async Task<RefundOutcome> RetryAsync(Order order, string outRequestNo)
    {
        var admin = await app.AdminAsync();
        return await app.WithAsync<OrderRefunds, RefundOutcome>(
            r => r.RetryAsync(order.OutTradeNo, outRequestNo, new RefundRequester(admin.UserName, admin.Actor)));
    }

    /// <summary>A refund Alipay answers with "result unknown" (after making it, or not): left pending.</summary>
    private async Task<OrderRefund> UnknownRefundAsync(Order order, decimal amount, ScriptedRefundAnswer answer)
    {
        alipay.ScriptRefundAnswer(order.OutTradeNo, answer);
        Assert.Equal(RefundResult.Unknown, (await RefundAsync(order, amount)).Result);
        return Assert.Single(await RefundRowsAsync(order));
    }

    private Task<List<OrderRefund>> RefundRowsAsync(Order order) =>
        app.QueryAsync(db => db.OrderRefunds.AsNoTracking().Where(r => r.OrderId == order.Id).OrderBy(r => r.Id).ToListAsync());

    private Task<bool> OwnsAsync(Order order, int courseId) =>
        app.QueryAsync(db => db.CourseOwnerships.AnyAsync(x => x.UserId == order.UserId && x.CourseId == courseId));

    [Fact]
    public async Task A_partial_refund_then_the_rest_refunds_in_full_and_withdraws_the_course()
    {
        var order = await PaidAtAlipayAsync(1, 7); // 198.00 + 59.00

        var partial = await RefundAsync(order, 59.00m, "不想学 Shell 了");

        Assert.True(partial.Succeeded, partial.Message);
        var afterPartial = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, 59.00m), (afterPartial.Status, afterPartial.RefundedAmount));
        Assert.True(await OwnsAsync(order, 1));

        var rest = await RefundAsync(order, 198.00m, "全部退掉");

        Assert.True(rest.Succeeded, rest.Message);
        Assert.Contains("已全额退款", rest.Message);
        var refunded = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Refunded, 257.00m), (refunded.Status, refunded.RefundedAmount));
        Assert.False(await OwnsAsync(order, 1));
        Assert.False(await OwnsAsync(order, 7));
        Assert.Equal(257.00m, alipay.RefundedTotal(order.OutTradeNo));
        Assert.Equal("TRADE_CLOSED", alipay.Trades[order.OutTradeNo].Status);

        var rows = await RefundRowsAsync(order);
        Assert.Equal([$"{order.OutTradeNo}_R1", $"{order.OutTradeNo}_R2"], rows.Select(r => r.OutRequestNo));
        Assert.All(rows, r => Assert.Equal(RefundStatus.Succeeded, r.Status));
        Assert.Equal([59.00m, 257.00m], rows.Select(r => r.RefundedTotal!.Value));
        var change = await app.QueryAsync(db => db.OrderStatusChanges.Where(c => c.OrderId == order.Id).OrderBy(c => c.Id).LastAsync());
        Assert.Equal((OrderStatus.Paid, OrderStatus.Refunded, "admin:admin", "全部退掉"), (change.From, change.To, change.Actor, change.Reason));
    }

    [Fact]
    public async Task More_than_what_is_left_is_refused_before_alipay_is_asked()
    {
        var order = await PaidAtAlipayAsync(14); // 49.00

        var outcome = await RefundAsync(order, 49.01m);

        Assert.Equal(RefundResult.Refused, outcome.Result);
        Assert.Equal(0, alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund"));
        Assert.Empty(await RefundRowsAsync(order));
    }

    [Fact]
    public async Task An_unpaid_order_cannot_be_refunded()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 15);

        var outcome = await RefundAsync(order, 1.00m);

        Assert.Equal(RefundResult.Refused, outcome.Result);
        Assert.Contains("只有已支付的订单可以退款", outcome.Message);
        Assert.Equal(0, alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund"));
    }

    [Fact]
    public async Task A_lost_answer_leaves_the_refund_pending_and_asking_again_confirms_it_at_alipay_without_sending_it_again()
    {
        var order = await PaidAtAlipayAsync(6); // 99.00
        alipay.RefundAnswersToLose[order.OutTradeNo] = 3;

        var first = await RefundAsync(order, 99.00m);

        Assert.Equal(RefundResult.Unknown, first.Result);
        Assert.Equal(99.00m, alipay.RefundedTotal(order.OutTradeNo)); // Alipay did refund; we did not hear it
        var pending = Assert.Single(await RefundRowsAsync(order));
        Assert.Equal((RefundStatus.Pending, 1), (pending.Status, pending.Attempts));
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
        var refundCalls = alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund");

        var again = await RefundAsync(order, 99.00m);

        Assert.True(again.Succeeded, again.Message);
        var done = Assert.Single(await RefundRowsAsync(order));
        Assert.Equal((pending.OutRequestNo, RefundStatus.Succeeded, 1), (done.OutRequestNo, done.Status, done.Attempts));
        Assert.Equal(refundCalls, alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund"));
        Assert.Equal([pending.OutRequestNo], alipay.Refunds[order.OutTradeNo].Keys);
        Assert.Equal(99.00m, alipay.RefundedTotal(order.OutTradeNo));
        Assert.Equal(OrderStatus.Refunded, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Theory]
    [InlineData("20000", "isp.unknow-error")]
    [InlineData("20000", "ISP.UNKNOW-ERROR")]
    [InlineData("20000", "aop.unknow-error")]
    [InlineData("20000", "Aop.Unknow-Error")]
    [InlineData("40004", "ACQ.SYSTEM_ERROR")]
    [InlineData("40004", "acq.system_error")]
    [InlineData("20000", "aop.ACQ.SYSTEM_ERROR")]
    public async Task Alipays_result_unknown_answer_keeps_a_partial_refund_pending_and_asking_again_never_pays_it_twice(string code, string subCode)
    {
        var order = await PaidAtAlipayAsync(9); // 79.00
        alipay.ScriptRefundAnswer(order.OutTradeNo, new ScriptedRefundAnswer(code, subCode, RefundMade: true));

        var first = await RefundAsync(order, 30.00m);

        Assert.Equal(RefundResult.Unknown, first.Result);
        Assert.Contains("退款结果未知", first.Message);
        var pending = Assert.Single(await RefundRowsAsync(order));
        Assert.Equal(RefundStatus.Pending, pending.Status);
        Assert.Contains(subCode, pending.LastError);
        Assert.Equal((OrderStatus.Paid, 0m), ((await app.OrderAsync(order.OutTradeNo)).Status, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount));

        var other = await RefundAsync(order, 49.00m);
        var again = await RefundAsync(order, 30.00m);

        Assert.Equal(RefundResult.Refused, other.Result);
        Assert.Contains("退款结果未知", other.Message);
        Assert.True(again.Succeeded, again.Message);
        Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund"));
        Assert.Equal([pending.OutRequestNo], alipay.Refunds[order.OutTradeNo].Keys);
        Assert.Equal(30.00m, alipay.RefundedTotal(order.OutTradeNo));
        var refunded = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, 30.00m), (refunded.Status, refunded.RefundedAmount));
        Assert.Equal(RefundStatus.Succeeded, Assert.Single(await RefundRowsAsync(order)).Status);
    }

    [Fact]
    public async Task A_refund_alipay_has_no_record_of_is_sent_again_with_the_same_out_request_no_and_paid_once()
    {
        var order = await PaidAtAlipayAsync(10);
        var pending = await UnknownRefundAsync(order, 10.00m, new ScriptedRefundAnswer("20000", "isp.unknow-error", RefundMade: false));
        Assert.Equal(0m, alipay.RefundedTotal(order.OutTradeNo));

        var retried = await RetryAsync(order, pending.OutRequestNo);

        Assert.True(retried.Succeeded, retried.Message);
        Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.fastpay.refund.query"));
        Assert.Equal(2, alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund"));
        Assert.Equal([pending.OutRequestNo], alipay.Refunds[order.OutTradeNo].Keys);
        Assert.Equal(10.00m, alipay.RefundedTotal(order.OutTradeNo));
        Assert.Equal(10.00m, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount);
    }

    [Fact]
    public async Task A_retry_whose_refund_query_gets_no_answer_keeps_the_refund_pending_and_sends_nothing()
    {
        var order = await PaidAtAlipayAsync(8);
        var pending = await UnknownRefundAsync(order, 5.00m, new ScriptedRefundAnswer("20000", "aop.unknow-error", RefundMade: true));
        var paid = alipay.Trades[order.OutTradeNo];
        alipay.Trades[order.OutTradeNo] = (ScriptedAlipay.Unreachable, paid.Amount);

        var retried = await RetryAsync(order, pending.OutRequestNo);

        Assert.Equal(RefundResult.Unknown, retried.Result);
        Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund"));
        Assert.Equal(RefundStatus.Pending, Assert.Single(await RefundRowsAsync(order)).Status);
        Assert.Equal(0m, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount);
    }

    [Fact]
    public async Task Two_admins_settling_one_pending_refund_at_once_pay_it_once()
    {
        var order = await PaidAtAlipayAsync(5);
        var pending = await UnknownRefundAsync(order, 12.00m, new ScriptedRefundAnswer("20000", "isp.unknow-error", RefundMade: false));

        var outcomes = await Task.WhenAll(
            RetryAsync(order, pending.OutRequestNo), RefundSeeingAsync(0m, order, 12.00m), RetryAsync(order, pending.OutRequestNo));

        Assert.Contains(outcomes, o => o.Succeeded);
        Assert.All(outcomes, o => Assert.NotEqual(RefundResult.Failed, o.Result));
        Assert.Equal([pending.OutRequestNo], alipay.Refunds[order.OutTradeNo].Keys);
        Assert.Equal(12.00m, alipay.RefundedTotal(order.OutTradeNo));
        Assert.Equal(12.00m, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount);
        Assert.Equal(RefundStatus.Succeeded, Assert.Single(await RefundRowsAsync(order)).Status);
    }

    [Fact]
    public async Task Retrying_a_pending_refund_asks_alipay_first_and_does_not_send_it_again_when_it_was_made()
    {
        var order = await PaidAtAlipayAsync(9); // 79.00
        alipay.RefundAnswersToLose[order.OutTradeNo] = 3;
        await RefundAsync(order, 30.00m);
        var pending = Assert.Single(await RefundRowsAsync(order));
        var refundCalls = alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund");

        var retried = await RetryAsync(order, pending.OutRequestNo);

        Assert.True(retried.Succeeded, retried.Message);
        Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.fastpay.refund.query"));
        Assert.Equal(refundCalls, alipay.CallsFor(order.OutTradeNo, "alipay.trade.refund"));
        var order2 = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, 30.00m), (order2.Status, order2.RefundedAmount));
    }

    [Fact]
    public async Task Two_clicks_at_once_refund_the_money_once()
    {
        var order = await PaidAtAlipayAsync(12); // 268.00

        var outcomes = await Task.WhenAll(RefundSeeingAsync(0m, order, 268.00m), RefundSeeingAsync(0m, order, 268.00m));

        // The second click either reuses the first one's pending request, or finds the order already refunded.
        Assert.Contains(outcomes, o => o.Succeeded);
        Assert.All(outcomes, o => Assert.True(o.Succeeded || o.Result == RefundResult.Refused, o.Message));
        Assert.Single(await RefundRowsAsync(order));
        Assert.Single(alipay.Refunds[order.OutTradeNo]);
        Assert.Equal(268.00m, alipay.RefundedTotal(order.OutTradeNo));
        Assert.Equal((OrderStatus.Refunded, 268.00m), ((await app.OrderAsync(order.OutTradeNo)).Status, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount));
    }

    [Fact]
    public async Task Two_admins_refunding_the_same_part_of_an_order_at_once_pay_it_once()
    {
        var order = await PaidAtAlipayAsync(4); // 149.00

        var outcomes = await Task.WhenAll(RefundSeeingAsync(0m, order, 40.00m), RefundSeeingAsync(0m, order, 40.00m));

        Assert.Contains(outcomes, o => o.Succeeded);
        Assert.Contains(outcomes, o => o.Succeeded || o.Message.Contains("已退款金额已变为 ¥40.00"));
        Assert.Single(await RefundRowsAsync(order));
        Assert.Equal(40.00m, alipay.RefundedTotal(order.OutTradeNo));
        Assert.Equal(40.00m, (await app.OrderAsync(order.OutTradeNo)).RefundedAmount);

        var later = await RefundSeeingAsync(0m, order, 40.00m);
        var informed = await RefundSeeingAsync(40.00m, order, 40.00m);

        Assert.Equal(RefundResult.Refused, later.Result);
        Assert.Contains("您看到的是 ¥0.00", later.Message);
        Assert.True(informed.Succeeded, informed.Message);
        Assert.Equal(80.00m, alipay.RefundedTotal(order.OutTradeNo));
    }

    [Fact]
    public async Task Another_amount_while_a_refund_is_pending_is_refused()
    {
        var order = await PaidAtAlipayAsync(13); // 168.00
        alipay.RefundAnswersToLose[order.OutTradeNo] = 3;
        await RefundAsync(order, 100.00m);

        var other = await RefundAsync(order, 20.00m);

        Assert.Equal(RefundResult.Refused, other.Result);
        Assert.Contains("¥100.00 的退款结果未知", other.Message);
        Assert.Single(await RefundRowsAsync(order));
    }

    [Fact]
    public async Task A_refund_alipay_refuses_is_marked_failed_and_a_new_one_may_follow()
    {
        var order = await PaidAtAlipayAsync(11); // 128.00
        alipay.Trades[order.OutTradeNo] = ("TRADE_FINISHED", order.TotalAmount); // past the refund window

        var refused = await RefundAsync(order, 128.00m);

        Assert.Equal(RefundResult.Failed, refused.Result);
        Assert.Contains("交易状态不合法", refused.Message);
        var failed = Assert.Single(await RefundRowsAsync(order));
        Assert.Equal(RefundStatus.Failed, failed.Status);
        Assert.Contains("ACQ.TRADE_STATUS_ERROR", failed.LastError);

        alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
        var second = await RefundAsync(order, 128.00m);

        Assert.True(second.Succeeded, second.Message);
        Assert.Equal($"{order.OutTradeNo}_R2", (await RefundRowsAsync(order))[^1].OutRequestNo);
    }
}
