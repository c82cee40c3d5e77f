using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders.Payments;

public enum SwitchResult
{
    /// <summary>The order now has the chosen pay type (this call changed it, or it already had it).</summary>
    Ready,
    /// <summary>The previous provider says the order is paid: the payment was recorded, the pay type kept.</summary>
    WasPaid,
    /// <summary>Not switched: the order is not the learner's, no longer unpaid, or the chosen provider cannot take it.</summary>
    Refused,
    /// <summary>Not switched: the previous provider could not be asked or would not close its trade. Nothing changed.</summary>
    Failed,
}

public sealed record SwitchOutcome(SwitchResult Result, string Message);

/// <summary>
/// 去支付 in /orders with the other provider: the previous provider's trade is closed first (so the order can never
/// be paid twice, once at each), a payment found there is recorded instead (the same path as the notify and the
/// trade sync), and only then is the pay type changed, by a compare-and-set (<see cref="OrderTransitions.ChangePayTypeAsync"/>).
/// A late notify from the previous provider is then refused (支付方式不符), as for any order placed with the other one.
/// </summary>
public sealed class PayTypeSwitch(
    IDbContextFactory<LuffyDbContext> dbFactory, PaymentReconciliation reconciliation, OrderTransitions transitions,
    PaymentTradesByType providers, ILogger<PayTypeSwitch> logger)
{
    public async Task<SwitchOutcome> SwitchAsync(string userId, string outTradeNo, PayType to, CancellationToken ct = default)
    {
        var order = await ReadAsync(userId, outTradeNo, ct);
        if (order is null || order.Status != OrderStatus.Unpaid)
        {
            return order?.Status is OrderStatus.Paid or OrderStatus.Refunded
                ? new(SwitchResult.WasPaid, $"订单 {outTradeNo} 已支付，无需再次付款")
                : new(SwitchResult.Refused, $"订单 {outTradeNo} 已无法支付（已超过支付期限或状态已变化），请重新下单");
        }

        if (order.PayType == to)
        {
            return new(SwitchResult.Ready, "");
        }

        if (!Enum.IsDefined(to) || !providers.For(to).IsEnabled)
        {
            return new(SwitchResult.Refused, $"{to.ToChinese()}暂未开通，请使用{order.PayType.ToChinese()}");
        }

        if (PayTypeChange.Left(order.Reasons, to))
        {
            return new(SwitchResult.Refused,
                $"订单 {outTradeNo} 的{to.ToChinese()}交易已在改用{order.PayType.ToChinese()}时关闭，不能再改回；如需使用{to.ToChinese()}，请重新下单");
        }

        var from = order.PayType;
        var actor = $"user:{userId}";
        if (await reconciliation.CloseAtProviderAsync(outTradeNo, from, actor, ct) is { } notClosed)
        {
            return notClosed.Result == CloseResult.WasPaid
                ? new(SwitchResult.WasPaid, $"订单 {outTradeNo} 已通过{from.ToChinese()}支付成功，无需再次付款")
                : new(SwitchResult.Failed, $"未能改用{to.ToChinese()}，订单未做任何改动：{notClosed.Message}");
        }

        if (await transitions.ChangePayTypeAsync(order.Id, from, to, actor, ct))
        {
            logger.LogInformation("Order {OutTradeNo} switched from {From} to {To} by the learner", outTradeNo, from, to);
            return new(SwitchResult.Ready, "");
        }

        // Someone else moved first: another switch (then the order may already be what was asked), a payment, a close.
        var now = await ReadAsync(userId, outTradeNo, ct);
        return now is { Status: OrderStatus.Unpaid } && now.PayType == to
            ? new(SwitchResult.Ready, "")
            : now?.Status is OrderStatus.Paid or OrderStatus.Refunded
                ? new(SwitchResult.WasPaid, $"订单 {outTradeNo} 已支付，无需再次付款")
                : new(SwitchResult.Refused, $"订单 {outTradeNo} 的状态刚刚发生了变化，请刷新后重试");
    }

    private sealed record OrderSeen(int Id, OrderStatus Status, PayType PayType, IReadOnlyList<string?> Reasons);

    private async Task<OrderSeen?> ReadAsync(string userId, string outTradeNo, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().Where(o => o.OutTradeNo == outTradeNo && o.UserId == userId)
            .Select(o => new { o.Id, o.Status, o.PayType }).FirstOrDefaultAsync(ct);
        if (order is null)
        {
            return null;
        }

        return new(order.Id, order.Status, order.PayType, await PayTypeChange.ReasonsAsync(db, order.Id, ct));
    }
}
