using System.Text.Json;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>
/// The contract's notify rules, in order: signature, app_id, a known out_trade_no with the same total_amount, then
/// trade_status. Only then does the order change, through <see cref="OrderTransitions"/> (at most once). Every
/// notify is written to the <see cref="NotifyLog"/> with its verdict, an error while applying it included.
/// </summary>
public sealed class AlipayNotifyHandler(
    AlipayCallbacks callbacks, IOptions<AlipayOptions> options, OrderTransitions transitions, NotifyLogWriter log, CompiledOrderQueries queries,
    IDbContextFactory<LuffyDbContext> dbFactory, TimeProvider clock, ILogger<AlipayNotifyHandler> logger)
{
    public const string Actor = "alipay-notify";

    /// <summary>True when Alipay should be answered <c>success</c>.</summary>
    public async Task<bool> HandleAsync(IReadOnlyList<KeyValuePair<string, string>> form, string? remoteIp, CancellationToken ct)
    {
        var verdict = callbacks.VerifyNotify(form);
        var notification = verdict.Notification;
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["OutTradeNo"] = notification?.OutTradeNo });

        var (result, reason) = verdict.IsValid && notification is not null
            ? await DecideOrFailAsync(notification, ct)
            : (NotifyVerdict.Rejected, verdict.Reason ?? "invalid notify");

        if (result == NotifyVerdict.Rejected)
        {
            logger.LogWarning("Alipay notify rejected for order {OutTradeNo}: {Reason}", notification?.OutTradeNo, reason);
        }

        await WriteLogAsync(form, notification, result, reason, remoteIp);
        return result != NotifyVerdict.Rejected;
    }

    /// <summary>Keeps a record of a body that could not even be read as a form.</summary>
    public Task LogUnreadableAsync(string reason, string? remoteIp) =>
        WriteLogAsync([], null, NotifyVerdict.Rejected, reason, remoteIp);

    /// <summary>
    /// Whatever goes wrong while the order changes (a database error, a write-gate timeout, an order that kept
    /// changing) the notify is still logged, with the error, and answered <c>failure</c>: nothing was committed, and
    /// Alipay sends it again later.
    /// </summary>
    private async Task<(NotifyVerdict, string)> DecideOrFailAsync(AlipayNotification notify, CancellationToken ct)
    {
        try
        {
            return await DecideAsync(notify, ct);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Alipay notify for order {OutTradeNo} could not be applied", notify.OutTradeNo);
            return (NotifyVerdict.Rejected, $"error while applying the notify: {ex.GetBaseException().Message}");
        }
    }

    private async Task<(NotifyVerdict, string)> DecideAsync(AlipayNotification notify, CancellationToken ct)
    {
        if (!string.Equals(notify.AppId, options.Value.AppId, StringComparison.Ordinal))
        {
            return (NotifyVerdict.Rejected, $"app_id {notify.AppId} is not ours");
        }

        if (string.IsNullOrEmpty(notify.OutTradeNo))
        {
            return (NotifyVerdict.Rejected, "missing out_trade_no");
        }

        OrderState? order;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            order = await queries.FindForNotify(db, notify.OutTradeNo, ct);
        }

        if (order is null)
        {
            return (NotifyVerdict.Rejected, "unknown out_trade_no");
        }

        if (notify.TotalAmount != order.TotalAmount)
        {
            return (NotifyVerdict.Rejected, $"total_amount {notify.TotalAmount} does not match the order total {order.TotalAmount}");
        }

        switch (notify.TradeStatus)
        {
            case "TRADE_SUCCESS" or "TRADE_FINISHED" when order.Status is OrderStatus.Paid or OrderStatus.Refunded && notify.RefundFee is null:
                // Alipay's retries and duplicates of an applied payment: answered from a read, no write transaction.
                return (NotifyVerdict.Accepted, "already paid; nothing changed");
            case "TRADE_SUCCESS" or "TRADE_FINISHED":
                return await OnTradePaidAsync(order, notify, ct);
            case "WAIT_BUYER_PAY":
                return (NotifyVerdict.Ignored, "waiting for the buyer; nothing to do");
            case "TRADE_CLOSED":
                return await OnTradeClosedAsync(order.Id, order.Status, order.TotalAmount, notify, ct);
            default:
                return (NotifyVerdict.Rejected, $"unknown trade_status {notify.TradeStatus}");
        }
    }

    private async Task<(NotifyVerdict, string)> OnTradePaidAsync(OrderState order, AlipayNotification notify, CancellationToken ct)
    {
        var outcome = await transitions.ApplyPaymentAsync(
            new PaymentConfirmation(notify.OutTradeNo!, notify.TradeNo, order.TotalAmount, notify.GmtPayment, notify.BuyerId), Actor, ct);
        if (outcome is not (PaymentOutcome.MarkedPaid or PaymentOutcome.AlreadyPaid))
        {
            // Success only once the order really is paid: otherwise Alipay stops sending, and the payment is lost.
            return (NotifyVerdict.Rejected, $"payment not applied: {outcome}");
        }

        if (notify.RefundFee is > 0m)
        {
            await transitions.RecordRefundAsync(order.Id, notify.RefundFee.Value, Actor, "支付宝退款通知", ct);
        }

        return outcome == PaymentOutcome.MarkedPaid
            ? (NotifyVerdict.Accepted, "marked paid")
            : (NotifyVerdict.Accepted, "already paid; nothing changed");
    }

    private async Task<(NotifyVerdict, string)> OnTradeClosedAsync(
        int orderId, OrderStatus status, decimal total, AlipayNotification notify, CancellationToken ct)
    {
        if (status == OrderStatus.Unpaid)
        {
            await transitions.CloseUnpaidAsync(orderId, OrderStatus.Cancelled, Actor, "支付宝交易关闭", ct);
            return (NotifyVerdict.Accepted, "trade closed unpaid: order cancelled");
        }

        if (status == OrderStatus.Paid && notify.RefundFee >= total)
        {
            await transitions.RecordRefundAsync(orderId, notify.RefundFee.Value, Actor, "支付宝全额退款", ct);
            return (NotifyVerdict.Accepted, "trade closed after a full refund: order refunded");
        }

        return (NotifyVerdict.Ignored, $"trade closed; order is {status}, nothing to do");
    }

    private async Task WriteLogAsync(
        IReadOnlyList<KeyValuePair<string, string>> form, AlipayNotification? notify, NotifyVerdict verdict, string reason, string? remoteIp)
    {
        try
        {
            await log.WriteAsync(new NotifyLog
            {
                ReceivedAt = clock.GetUtcNow().UtcDateTime,
                OutTradeNo = Truncate(notify?.OutTradeNo ?? Find(form, "out_trade_no"), 64),
                NotifyId = Truncate(notify?.NotifyId ?? Find(form, "notify_id"), 128),
                TradeStatus = Truncate(notify?.TradeStatus ?? Find(form, "trade_status"), 32),
                Verdict = verdict,
                Reason = Truncate(reason, 512)!,
                RawParameters = Truncate(JsonSerializer.Serialize(form.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)), 16_000)!,
                RemoteIp = remoteIp,
            });
        }
        catch (Exception ex)
        {
            // The order change (if any) is already committed; a lost log row must not turn success into failure.
            logger.LogError(ex, "Could not write the notify log for order {OutTradeNo}", notify?.OutTradeNo);
        }
    }

    private static string? Find(IReadOnlyList<KeyValuePair<string, string>> form, string key) =>
        form.FirstOrDefault(p => p.Key == key).Value;

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
