using System.Text.Json;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Payments;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders.Payments;

/// <summary>
/// The contract's notify rules, in order, whichever provider sent it: the provider's verification (signature), the
/// app id, the merchant account when one is configured (Alipay's seller_id), a known out_trade_no with the same total,
/// then the trade's state. Only then does the order change, through
/// <see cref="OrderTransitions"/> (at most once). Every notify is written to the <see cref="NotifyLog"/> with its
/// verdict, an error while applying it included.
/// </summary>
public sealed class PaymentNotifyHandler(
    OrderTransitions transitions, OrderRefunds refunds, NotifyLogWriter log, NotifyFloodGuard flood, NotifyOrderLookup orders,
    IDbContextFactory<LuffyDbContext> dbFactory, IServiceScopeFactory scopes, TimeProvider clock, ILogger<PaymentNotifyHandler> logger)
    : IPaymentNotifyHandler
{
    public async Task<bool> HandleAsync(ReceivedNotify received, CancellationToken ct)
    {
        var notification = received.Notification;
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["OutTradeNo"] = notification?.OutTradeNo });
        if (!received.IsVerified)
        {
            await RecordUnverifiableAsync(received.Provider, received.Parameters, notification, received.Refusal ?? "invalid notify", received.RemoteIp);
            return false;
        }

        // Verified: never rate-limited, always logged in full.
        var log = new LogRow(NewLogRow(received.Provider, received.Parameters, notification, received.RemoteIp));
        var (result, reason) = await DecideOrFailAsync(received, notification!, log, ct);
        if (result == NotifyVerdict.Rejected)
        {
            logger.LogWarning("{Provider} notify rejected for order {OutTradeNo}: {Reason}", received.Provider.Name, notification?.OutTradeNo, reason);
        }

        if (!log.WrittenWithPayment)
        {
            await WriteLogAsync(log.Row, result, reason);
        }

        return result != NotifyVerdict.Rejected;
    }

    public Task RecordUnreadableAsync(string reason, string? remoteIp, PaymentProvider? provider = null) =>
        RecordUnverifiableAsync(provider, [], null, reason, remoteIp);

    /// <summary>What nobody can vouch for is logged one row each up to the address's limit, then counted (<see cref="NotifyFloodGuard"/>).</summary>
    private async Task RecordUnverifiableAsync(
        PaymentProvider? provider, IReadOnlyList<KeyValuePair<string, string>> parameters, PaymentNotification? notification, string reason, string? remoteIp)
    {
        if (!flood.Admits(remoteIp))
        {
            flood.Count(remoteIp, reason, parameters, provider?.Name);
            return;
        }

        logger.LogWarning("{Provider} notify from {RemoteIp} refused before it could be verified: {Reason}",
            provider?.Name ?? "Payment", remoteIp, reason);
        await WriteLogAsync(NewLogRow(provider, parameters, notification, remoteIp), NotifyVerdict.Rejected, reason);
    }

    /// <summary>
    /// Whatever goes wrong while the order changes (a database error, a busy timeout, an order that kept
    /// changing) the notify is still logged, with the error, and answered as failed: nothing was committed, and the
    /// provider sends it again later.
    /// </summary>
    private async Task<(NotifyVerdict, string)> DecideOrFailAsync(ReceivedNotify received, PaymentNotification notify, LogRow log, CancellationToken ct)
    {
        try
        {
            return await DecideAsync(received, notify, log, ct);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "{Provider} notify for order {OutTradeNo} could not be applied", received.Provider.Name, notify.OutTradeNo);
            return (NotifyVerdict.Rejected, $"error while applying the notify: {ex.GetBaseException().Message}");
        }
    }

    private async Task<(NotifyVerdict, string)> DecideAsync(ReceivedNotify received, PaymentNotification notify, LogRow log, CancellationToken ct)
    {
        if (received.ExpectedAppId is not null && !string.Equals(notify.AppId, received.ExpectedAppId, StringComparison.Ordinal))
        {
            return (NotifyVerdict.Rejected, $"{received.Provider.AppIdField} {notify.AppId} is not ours");
        }

        if (received.ExpectedMerchantId is { } merchant && !string.Equals(notify.MerchantId, merchant, StringComparison.Ordinal))
        {
            // Signed by the provider, but the money went to another merchant account: never ours to deliver on.
            return (NotifyVerdict.Rejected, $"{received.Provider.MerchantIdField} {notify.MerchantId ?? "(none)"} is not ours ({merchant})");
        }

        if (string.IsNullOrEmpty(notify.OutTradeNo))
        {
            return (NotifyVerdict.Rejected, "missing out_trade_no");
        }

        OrderState? order;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            order = await orders.FindAsync(db, notify.OutTradeNo, ct);
        }

        if (order is null)
        {
            return (NotifyVerdict.Rejected, "unknown out_trade_no");
        }

        if (notify.TotalAmount != order.TotalAmount)
        {
            return (NotifyVerdict.Rejected, $"{received.Provider.AmountField} {notify.TotalAmount} does not match the order total {order.TotalAmount}");
        }

        if (PayTypeOf(received.Provider) is { } paidWith && paidWith != order.PayType)
        {
            return await FromTheOtherProviderAsync(received.Provider, paidWith, order, notify, ct);
        }

        if (notify.Refund is { } refund)
        {
            return await refunds.OnRefundReportedAsync(notify.OutTradeNo, refund, received.Provider.NotifyActor, ct);
        }

        switch (notify.State)
        {
            case TradeState.Paid when !OrderStatusRules.CanMove(order.Status, OrderStatus.Paid) && notify.RefundedTotal is null:
                // The provider's retries and duplicates of an applied payment: answered from a read, no write transaction.
                return (NotifyVerdict.Accepted, "already paid; nothing changed");
            case TradeState.Paid:
                return await OnTradePaidAsync(received.Provider, order, notify, log, ct);
            case TradeState.WaitingForBuyer:
                return (NotifyVerdict.Ignored, "waiting for the buyer; nothing to do");
            case TradeState.Closed:
                return await OnTradeClosedAsync(received.Provider, order, notify, ct);
            default:
                return (NotifyVerdict.Rejected, $"unknown trade_status {notify.TradeStatus}");
        }
    }

    /// <summary>
    /// A notify from the provider the order is not on now. When the order was switched away from that provider (去支付
    /// with the other one), a buyer who had its cashier open — a trade that did not exist yet when the switch closed
    /// it — may have paid there anyway.
    /// That money is the order's payment: it is applied as any other, the pay type moving back in the same write, and
    /// the other provider's trade is closed so the buyer cannot pay twice. An order paid meanwhile makes it a second
    /// payment, refused for an admin to refund. A closed or waiting trade there needs nothing.
    /// </summary>
    private async Task<(NotifyVerdict, string)> FromTheOtherProviderAsync(
        PaymentProvider provider, PayType paidWith, OrderState order, PaymentNotification notify, CancellationToken ct)
    {
        bool wasOn;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            wasOn = PayTypeChange.WasOn(await PayTypeChange.ReasonsAsync(db, order.Id, ct), paidWith);
        }

        if (!wasOn || notify.Refund is not null || notify.State is not (TradeState.Paid or TradeState.WaitingForBuyer or TradeState.Closed))
        {
            // Never on that provider (another shop on the same merchant account, a bug), or a refund there: not ours to settle.
            return (NotifyVerdict.Rejected,
                $"pay_type mismatch: {provider.Name} notified an order placed with {order.PayType}; not applied, for an admin to look at");
        }

        if (notify.State != TradeState.Paid)
        {
            return (NotifyVerdict.Ignored, $"trade at {provider.Name}, which this order left for {order.PayType}: nothing to do");
        }

        var decided = await OnTradePaidAsync(provider, order, notify, log: null, ct);
        if (decided.Item2 != MarkedPaid)
        {
            return decided;
        }

        logger.LogWarning("Order {OutTradeNo} was paid with {Provider} after it was switched to {Left}; closing the {Left} trade",
            notify.OutTradeNo, provider.Name, order.PayType, order.PayType);
        FireAndForget.Run(CloseLeftTradeAsync(notify.OutTradeNo!, order.PayType, provider.NotifyActor), logger,
            $"Closing the {order.PayType} trade of order {notify.OutTradeNo}");
        return (NotifyVerdict.Accepted, $"marked paid with {provider.Name}, which this order had left for {order.PayType}; pay type moved back");
    }

    private async Task CloseLeftTradeAsync(string outTradeNo, PayType left, string actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<PaymentReconciliation>().CloseAtProviderAsync(outTradeNo, left, actor);
        if (outcome is not null)
        {
            logger.LogError("Order {OutTradeNo} is paid, but its {Left} trade could not be closed: {Result} {Message}", outTradeNo, left, outcome.Result, outcome.Message);
        }
    }

    private const string MarkedPaid = "marked paid";

    /// <summary>The order's pay type a provider's notifies may settle; null for a provider the shop does not know (not checked).</summary>
    private static PayType? PayTypeOf(PaymentProvider provider) =>
        provider == AlipayNotifyController.Provider ? PayType.Alipay
        : provider == WeChatPayNotifies.Provider ? PayType.WeChat
        : null;

    /// <summary>
    /// Applies a paid trade. With <paramref name="log"/> (the common case: no refund to record afterwards) the notify's
    /// log row goes in the payment's own transaction, its verdict decided there from the outcome.
    /// </summary>
    private async Task<(NotifyVerdict, string)> OnTradePaidAsync(
        PaymentProvider provider, OrderState order, PaymentNotification notify, LogRow? log, CancellationToken ct)
    {
        var payment = new PaymentConfirmation(notify.OutTradeNo!, notify.ProviderTradeNo, order.TotalAmount, notify.PaidAt, notify.BuyerId, PayTypeOf(provider));
        PaymentOutcome outcome;
        if (log is not null && notify.RefundedTotal is not > 0m)
        {
            outcome = await transitions.ApplyPaymentAsync(payment, provider.NotifyActor,
                new NotifyLogOnPayment(log.Row, o => Truncated(VerdictOf(o, notify.ProviderTradeNo))), ct);
            log.WrittenWithPayment = true;
        }
        else
        {
            outcome = await transitions.ApplyPaymentAsync(payment, provider.NotifyActor, ct);
        }

        var verdict = VerdictOf(outcome, notify.ProviderTradeNo);
        if (verdict.Verdict == NotifyVerdict.Accepted && notify.RefundedTotal is > 0m)
        {
            await transitions.RecordRefundAsync(order.Id, notify.RefundedTotal.Value, provider.NotifyActor, $"{provider.ChineseName}退款通知", ct);
        }

        return verdict;
    }

    /// <summary>What a paid trade's notify is answered and logged with, given what its payment did.</summary>
    private static (NotifyVerdict Verdict, string Reason) VerdictOf(PaymentOutcome outcome, string? tradeNo) => outcome switch
    {
        // A trade pays one order: a second order paid by it is a forged notify or a bug, never money to deliver on.
        PaymentOutcome.TradeNoReused => (NotifyVerdict.Rejected, $"trade_no {tradeNo} already paid another order: not applied, order flagged for an admin"),
        // The buyer paid with both providers: the first payment stands, this one is for an admin to refund.
        PaymentOutcome.PaidByAnotherTrade => (NotifyVerdict.Rejected,
            $"second payment: trade_no {tradeNo} paid an order already paid by another trade; not applied, for an admin to refund"),
        PaymentOutcome.MarkedPaid => (NotifyVerdict.Accepted, MarkedPaid),
        PaymentOutcome.AlreadyPaid => (NotifyVerdict.Accepted, "already paid; nothing changed"),
        // Success only once the order really is paid: otherwise the provider stops sending, and the payment is lost.
        _ => (NotifyVerdict.Rejected, $"payment not applied: {outcome}"),
    };

    private async Task<(NotifyVerdict, string)> OnTradeClosedAsync(PaymentProvider provider, OrderState order, PaymentNotification notify, CancellationToken ct)
    {
        if (OrderStatusRules.CanMove(order.Status, OrderStatus.Cancelled))
        {
            await transitions.CloseUnpaidAsync(order.Id, OrderStatus.Cancelled, provider.NotifyActor, $"{provider.ChineseName}交易关闭", ct);
            return (NotifyVerdict.Accepted, "trade closed unpaid: order cancelled");
        }

        if (OrderStatusRules.CanMove(order.Status, OrderStatus.Refunded) && notify.RefundedTotal >= order.TotalAmount)
        {
            await transitions.RecordRefundAsync(order.Id, notify.RefundedTotal.Value, provider.NotifyActor, $"{provider.ChineseName}全额退款", ct);
            return (NotifyVerdict.Accepted, "trade closed after a full refund: order refunded");
        }

        return (NotifyVerdict.Ignored, $"trade closed; order is {order.Status}, nothing to do");
    }

    /// <summary>A notify's log row, its verdict and reason still to be decided.</summary>
    private NotifyLog NewLogRow(
        PaymentProvider? provider, IReadOnlyList<KeyValuePair<string, string>> parameters, PaymentNotification? notify, string? remoteIp) => new()
    {
        ReceivedAt = clock.GetUtcNow().UtcDateTime,
        OutTradeNo = Truncate(notify?.OutTradeNo, 64),
        NotifyId = Truncate(notify?.NotifyId, 128),
        TradeStatus = Truncate(notify?.TradeStatus, 32),
        Reason = "",
        RawParameters = Truncate(JsonSerializer.Serialize(parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)), 16_000)!,
        RemoteIp = remoteIp,
        Provider = provider?.Name,
    };

    private async Task WriteLogAsync(NotifyLog row, NotifyVerdict verdict, string reason)
    {
        (row.Verdict, row.Reason) = Truncated((verdict, reason));
        try
        {
            await log.WriteAsync(row);
        }
        catch (Exception ex)
        {
            // The order change (if any) is already committed; a lost log row must not turn success into failure.
            logger.LogError(ex, "Could not write the notify log for order {OutTradeNo}", row.OutTradeNo);
        }
    }

    private static (NotifyVerdict, string) Truncated((NotifyVerdict Verdict, string Reason) verdict) => (verdict.Verdict, Truncate(verdict.Reason, 512)!);

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    /// <summary>A verified notify's log row, and whether its payment's transaction already wrote it.</summary>
    private sealed class LogRow(NotifyLog row)
    {
        public NotifyLog Row { get; } = row;

        public bool WrittenWithPayment { get; set; }
    }
}
