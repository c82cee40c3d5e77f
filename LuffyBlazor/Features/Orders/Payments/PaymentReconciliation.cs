using LuffyBlazor.Data;
using LuffyBlazor.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders.Payments;

public enum SyncResult
{
    /// <summary>The provider says paid; the order is (now) paid here too.</summary>
    Paid,
    /// <summary>The trade exists at the provider but the buyer has not paid (yet).</summary>
    WaitingForBuyer,
    /// <summary><c>ACQ.TRADE_NOT_EXIST</c>: the buyer has not opened the cashier.</summary>
    NotOpened,
    /// <summary>The provider closed the trade unpaid (or after a full refund).</summary>
    ClosedAtProvider,
    /// <summary>The provider could not be asked, or answered something we cannot apply; nothing changed.</summary>
    Failed,
}

public sealed record SyncOutcome(SyncResult Result, string Message);

public enum CloseResult
{
    Closed,
    WasPaid,
    NotUnpaid,
    Failed,
    /// <summary>The caller's <c>mayAct</c> said stop (the sweeper's claim lapsed); whatever was not done is left to the next owner.</summary>
    Abandoned,
}

public sealed record CloseOutcome(CloseResult Result, string Message);

/// <summary>
/// Asks the order's provider (by its pay type: <see cref="PaymentTradesByType"/>) what happened to a trade and applies a confirmed payment through the same
/// <see cref="OrderTransitions.ApplyPaymentAsync"/> path as the notify. Used by /pay/success's re-check, the
/// timeout sweeper, "cancel" in /orders and the admin's sync and close.
/// </summary>
public sealed class PaymentReconciliation(
    PaymentTradesByType providers, OrderTransitions transitions, IDbContextFactory<LuffyDbContext> dbFactory, ILogger<PaymentReconciliation> logger)
{
    public async Task<SyncOutcome> SyncAsync(string outTradeNo, string actor, CancellationToken ct = default) =>
        await SyncAsync(outTradeNo, await PayTypeAsync(outTradeNo, ct), actor, ct);

    /// <summary>Asks <paramref name="provider"/> (not the order's pay type as read now, which a switch may change meanwhile).</summary>
    public async Task<SyncOutcome> SyncAsync(string outTradeNo, PayType provider, string actor, CancellationToken ct = default)
    {
        var trades = providers.For(provider);
        var name = trades.ChineseName;
        var lookup = await trades.QueryAsync(outTradeNo, ct);
        switch (lookup.State)
        {
            case TradeLookupState.Unreachable:
                return new(SyncResult.Failed, $"暂时无法连接{name}，请稍后再试");
            case TradeLookupState.NotExist:
                return new(SyncResult.NotOpened, $"{name}尚无该笔交易：还没有在收银台付款");
            case TradeLookupState.Error:
                return new(SyncResult.Failed, $"{name}返回错误：{lookup.ErrorDetail}");
        }

        var trade = lookup.Trade!;
        switch (trade.State)
        {
            case TradeState.Paid when trade.TotalAmount is { } total:
                var outcome = await transitions.ApplyPaymentAsync(
                    new PaymentConfirmation(outTradeNo, trade.TradeNo, total, trade.PaidAt, trade.BuyerId, provider), actor, ct);
                return outcome switch
                {
                    PaymentOutcome.MarkedPaid or PaymentOutcome.AlreadyPaid => new(SyncResult.Paid, "支付成功"),
                    PaymentOutcome.AmountMismatch => LogMismatch(outTradeNo, name, total),
                    PaymentOutcome.TradeNoReused => new(SyncResult.Failed, $"{name}交易号 {trade.TradeNo} 已用于另一订单：未记为已支付，订单已标记“交易号冲突”，请人工核实"),
                    PaymentOutcome.PaidByAnotherTrade => new(SyncResult.Failed, $"订单已由另一笔交易支付，{name}交易 {trade.TradeNo} 是重复付款：未入账，请管理员退款"),
                    _ => new(SyncResult.Failed, "订单不存在"),
                };
            case TradeState.WaitingForBuyer:
                return new(SyncResult.WaitingForBuyer, "等待付款");
            case TradeState.Closed:
                return new(SyncResult.ClosedAtProvider, $"{name}交易已关闭");
            default:
                return new(SyncResult.Failed, $"未知的交易状态 {trade.Status}");
        }
    }

    /// <summary>The provider an order is paid with (Alipay for an order not found: the caller's next step reports it).</summary>
    private async Task<PayType> PayTypeAsync(string outTradeNo, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Orders.Where(o => o.OutTradeNo == outTradeNo).Select(o => (PayType?)o.PayType).FirstOrDefaultAsync(ct) ?? PayType.Alipay;
    }

    /// <summary>The most provider calls <see cref="CloseUnpaidAsync"/> makes for one order: query, close, query again.</summary>
    public const int MaxProviderCallsToClose = 3;

    /// <summary>
    /// Closes an unpaid order, at Alipay first (so nobody can pay it afterwards) and then here. A payment that
    /// slipped in before the close is recorded instead.
    /// </summary>
    /// <param name="mayAct">
    /// Asked before each call to Alipay and before the order is changed here; false stops with
    /// <see cref="CloseResult.Abandoned"/>. The sweeper passes "do I still hold my claim on this order?".
    /// </param>
    public async Task<CloseOutcome> CloseUnpaidAsync(
        string outTradeNo, OrderStatus to, string actor, string reason, CancellationToken ct = default, Func<CancellationToken, Task<bool>>? mayAct = null)
    {
        mayAct ??= _ => Task.FromResult(true);
        var abandoned = new CloseOutcome(CloseResult.Abandoned, "处理权已过期，留给下一次处理");
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var status = await db.Orders.Where(o => o.OutTradeNo == outTradeNo).Select(o => (OrderStatus?)o.Status).FirstOrDefaultAsync(ct);
            if (status != OrderStatus.Unpaid)
            {
                return new(CloseResult.NotUnpaid, "订单已不是未支付状态");
            }
        }

        if (await CloseAtProviderAsync(outTradeNo, await PayTypeAsync(outTradeNo, ct), actor, ct, mayAct) is { } stopped)
        {
            return stopped;
        }

        if (!await mayAct(ct))
        {
            return abandoned;
        }

        var orderId = await OrderIdAsync(outTradeNo, ct);
        return await transitions.CloseUnpaidAsync(orderId, to, actor, reason, ct)
            ? new(CloseResult.Closed, to == OrderStatus.TimedOut ? "订单已超时关闭" : "订单已取消")
            : new(CloseResult.NotUnpaid, "订单已不是未支付状态");
    }

    /// <summary>
    /// Makes sure nobody can pay the order at <paramref name="provider"/> any more: asks it, closes a trade waiting for
    /// the buyer, and asks again when the close is refused. Null when that is so (closed, or no trade there); otherwise
    /// why not: <see cref="CloseResult.WasPaid"/> (the payment is then recorded, by the same path as the notify),
    /// <see cref="CloseResult.Failed"/> or <see cref="CloseResult.Abandoned"/>.
    /// </summary>
    public async Task<CloseOutcome?> CloseAtProviderAsync(
        string outTradeNo, PayType provider, string actor, CancellationToken ct = default, Func<CancellationToken, Task<bool>>? mayAct = null)
    {
        mayAct ??= _ => Task.FromResult(true);
        var abandoned = new CloseOutcome(CloseResult.Abandoned, "处理权已过期，留给下一次处理");
        if (!await mayAct(ct))
        {
            return abandoned;
        }

        var sync = await SyncAsync(outTradeNo, provider, actor, ct);
        switch (sync.Result)
        {
            case SyncResult.Paid:
                return new(CloseResult.WasPaid, "订单已支付，无法关闭");
            case SyncResult.Failed:
                return new(CloseResult.Failed, sync.Message);
            case SyncResult.WaitingForBuyer:
                if (!await mayAct(ct))
                {
                    return abandoned;
                }

                var closed = await providers.For(provider).CloseAsync(outTradeNo, ct);
                if (closed is not null)
                {
                    if (!await mayAct(ct))
                    {
                        return abandoned;
                    }

                    // The provider refused to close: most likely paid a moment ago (record that instead), or closed
                    // by someone else meanwhile (a switch of provider or a close at once), which is what was asked.
                    var again = await SyncAsync(outTradeNo, provider, actor, ct);
                    return again.Result switch
                    {
                        SyncResult.Paid => new(CloseResult.WasPaid, "订单已支付，无法关闭"),
                        SyncResult.ClosedAtProvider => null,
                        _ => new(CloseResult.Failed, closed),
                    };
                }

                break;
        }

        return null;
    }

    private async Task<int> OrderIdAsync(string outTradeNo, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Orders.Where(o => o.OutTradeNo == outTradeNo).Select(o => o.Id).FirstAsync(ct);
    }

    private SyncOutcome LogMismatch(string outTradeNo, string provider, decimal providerAmount)
    {
        logger.LogError("{Provider} reports {Amount} paid for order {OutTradeNo}, which does not match the order total", provider, providerAmount, outTradeNo);
        return new(SyncResult.Failed, $"{provider}金额与订单金额不一致，请联系客服");
    }
}
