using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Admin;

/// <summary>
/// The back office's refunds (<see cref="AdminRefunds"/>): the order's refund operation, audited. What a refund does
/// to the order and at Alipay is in <c>Orders/Payments/OrderRefundTests</c>.
/// </summary>
public sealed class AdminRefundTests(ScriptedAlipayApp fixture) : IClassFixture<ScriptedAlipayApp>
{
    private readonly LuffyAppFactory app = fixture.App;
    private readonly ScriptedAlipay alipay = fixture.Alipay;

    private Task<Order> PaidAtAlipayAsync(params int[] courseIds) => fixture.PaidAtAlipayAsync(courseIds);

    private async Task<RefundOutcome> RefundAsync(Order order, decimal amount, string reason = "学员申请退款")
    {
        var refundedSeen = (await app.OrderAsync(order.OutTradeNo)).RefundedAmount;
        var admin = await app.AdminAsync();
        return await app.WithAsync<AdminRefunds, RefundOutcome>(r => r.RefundAsync(new RefundAsk(order.OutTradeNo, amount, reason, refundedSeen), admin));
    }

    [Fact]
    public async Task Every_refund_leaves_an_audit_record_with_admin_time_reason_and_outcome()
    {
        var order = await PaidAtAlipayAsync(3);

        await RefundAsync(order, 10.00m, "课程质量投诉");
        await RefundAsync(order, 500.00m, "多退一点");

        var entries = await app.QueryAsync(db => db.AdminAuditEntries.AsNoTracking()
            .Where(e => e.Target == AuditTargets.Order(order.OutTradeNo)).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal((AdminActions.OrderRefund, "admin"), (e.Action, e.AdminName)));
        Assert.Equal((true, "课程质量投诉"), (entries[0].Succeeded, entries[0].Reason));
        Assert.Equal((false, "多退一点"), (entries[1].Succeeded, entries[1].Reason));
        Assert.Contains("超过可退金额 ¥89.00", entries[1].Outcome);
        Assert.All(entries, e => Assert.Equal(fixture.Clock.GetUtcNow().UtcDateTime, e.At));
    }

    [Fact]
    public async Task Retrying_a_pending_refund_is_audited_and_names_the_admin_on_the_refund()
    {
        var order = await PaidAtAlipayAsync(9); // 79.00
        alipay.RefundAnswersToLose[order.OutTradeNo] = 3;
        await RefundAsync(order, 30.00m);
        var pending = await app.QueryAsync(db => db.OrderRefunds.AsNoTracking().SingleAsync(r => r.OrderId == order.Id));

        var admin = await app.AdminAsync();
        var retried = await app.WithAsync<AdminRefunds, RefundOutcome>(r => r.RetryAsync(order.OutTradeNo, pending.OutRequestNo, admin));

        Assert.True(retried.Succeeded, retried.Message);
        Assert.Equal("admin", pending.RequestedBy);
        Assert.Contains(await app.QueryAsync(db => db.AdminAuditEntries.Select(e => e.Action).ToListAsync()), a => a == AdminActions.OrderRefundRetry);
        var retry = await app.QueryAsync(db => db.AdminAuditEntries.AsNoTracking()
            .SingleAsync(e => e.Target == AuditTargets.Order(order.OutTradeNo) && e.Action == AdminActions.OrderRefundRetry));
        Assert.Equal(($"重试 {pending.OutRequestNo}", true), (retry.Reason, retry.Succeeded));
    }
}
