using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>
/// The cashier: a page or wap pay opens (or resumes) a trade; paying moves it to TRADE_SUCCESS and queues the notify in
/// the same transaction, so a crash can lose neither. Trades past <c>time_expire</c> close themselves when read.
/// </summary>
public sealed class SimulatorCashier(
    IDbContextFactory<SimulatorDbContext> dbFactory, SimulatorNotifications notifications, SimulatorSigner signer,
    IOptions<SimulatorOptions> options, TimeProvider clock, ILogger<SimulatorCashier> logger)
{
    public async Task<(SimulatorTrade? Trade, GatewayError? Error)> OpenAsync(
        GatewayRequest request, decimal amount, DateTimeOffset? timeExpire, CancellationToken ct)
    {
        var appId = request.Get("app_id")!;
        var outTradeNo = request.BizText("out_trade_no")!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var trade = await db.Set<SimulatorTrade>().FirstOrDefaultAsync(t => t.AppId == appId && t.OutTradeNo == outTradeNo, ct);
            if (trade is not null)
            {
                await CloseIfExpiredAsync(db, trade, ct);
                var refusal = trade.TotalAmount != amount
                    ? GatewayError.Business("ACQ.CONTEXT_INCONSISTENT", $"交易信息被篡改：订单 {outTradeNo} 已以 {Money.Format(trade.TotalAmount)} 元发起过支付")
                    : trade.Status is AlipayTradeStatus.Success or AlipayTradeStatus.Finished
                        ? GatewayError.Business("ACQ.TRADE_HAS_SUCCESS", "交易已被支付")
                        : trade.Status == AlipayTradeStatus.Closed ? GatewayError.Business("ACQ.TRADE_HAS_CLOSE", "交易已经关闭") : null;
                if (refusal is not null)
                {
                    return (null, refusal);
                }

                // Paying again later: the merchant may send fresh callbacks and what is left of its deadline.
                trade.NotifyUrl = request.Get("notify_url");
                trade.ReturnUrl = request.Get("return_url");
                trade.QuitUrl = request.BizText("quit_url");
                trade.TimeExpire = timeExpire?.UtcDateTime;
                await db.SaveChangesAsync(ct);
                return (trade, null);
            }

            var now = clock.GetUtcNow();
            trade = new SimulatorTrade
            {
                AppId = appId,
                OutTradeNo = outTradeNo,
                TradeNo = SimulatorIds.TradeNo(now),
                Subject = request.BizText("subject")!,
                TotalAmount = amount,
                ProductCode = request.BizText("product_code")!,
                NotifyUrl = request.Get("notify_url"),
                ReturnUrl = request.Get("return_url"),
                QuitUrl = request.BizText("quit_url"),
                TimeExpire = timeExpire?.UtcDateTime,
                CreatedAt = now.UtcDateTime,
            };
            db.Add(trade);
            try
            {
                await db.SaveChangesAsync(ct);
                return (trade, null);
            }
            catch (DbUpdateException)
            {
                // The same order opened in two tabs at once: the other one created it; read it back.
            }
        }

        return (null, GatewayError.Business("ACQ.SYSTEM_ERROR", "系统繁忙，请重试"));
    }

    public async Task<SimulatorTrade?> FindAsync(string tradeNo, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var trade = await db.Set<SimulatorTrade>().FirstOrDefaultAsync(t => t.TradeNo == tradeNo, ct);
        if (trade is not null)
        {
            await CloseIfExpiredAsync(db, trade, ct);
        }

        return trade;
    }

    /// <summary>
    /// The buyer pays, with the fault switches they changed at the cashier. Returns the signed return URL the browser
    /// goes to, or why the trade cannot be paid. The notify is queued in the same transaction as the payment (or
    /// delivered first, for <see cref="NotifyFault.BeforeReturn"/>).
    /// </summary>
    public async Task<(string? ReturnUrl, GatewayError? Error)> PayAsync(string tradeNo, NotifyFaultChanges faults, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var trade = await db.Set<SimulatorTrade>().FirstOrDefaultAsync(t => t.TradeNo == tradeNo, ct);
        if (trade is null)
        {
            return (null, GatewayError.Business("ACQ.TRADE_NOT_EXIST", "交易不存在"));
        }

        await CloseIfExpiredAsync(db, trade, ct);
        if (trade.Status != AlipayTradeStatus.WaitBuyerPay)
        {
            return (null, trade.Status == AlipayTradeStatus.Closed
                ? GatewayError.Business("ACQ.TRADE_HAS_CLOSE", "交易已经关闭")
                : GatewayError.Business("ACQ.TRADE_HAS_SUCCESS", "交易已被支付"));
        }

        var now = clock.GetUtcNow();
        trade.Status = AlipayTradeStatus.Success;
        trade.PaidAt = now.UtcDateTime;
        trade.BuyerId = options.Value.BuyerId;
        trade.BuyerLogonId = options.Value.BuyerLogonId;
        faults.ApplyTo(trade);
        trade.Version++;
        var queued = notifications.QueuePayment(db, trade, now);
        await db.SaveChangesAsync(ct); // the version check refuses a second, concurrent payment of the same trade
        await transaction.CommitAsync(ct);

        if (trade.NotifyFault == NotifyFault.BeforeReturn)
        {
            await DeliverBeforeReturnAsync(queued, ct);
        }
        else
        {
            notifications.Wake();
        }

        return (ReturnUrlOf(trade, now), null);
    }

    /// <summary>
    /// The "send before return" fault. The payment is committed by now, so nothing here may keep the buyer from the
    /// return page: a notify that cannot be recorded stays queued, and the notifier sends it once its claim lapses.
    /// </summary>
    private async Task DeliverBeforeReturnAsync(List<SimulatorNotification> queued, CancellationToken ct)
    {
        foreach (var notification in queued)
        {
            try
            {
                await notifications.AttemptAsync(new NotifyClaim(notification.Id, notification.ClaimedUntil!.Value), ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Simulator notify {NotifyId} could not be delivered before the return; the notifier retries it", notification.NotifyId);
            }
        }
    }

    /// <summary>Where the buyer goes back to: <c>return_url</c> with a signed <c>*.return</c> query.</summary>
    private string? ReturnUrlOf(SimulatorTrade trade, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(trade.ReturnUrl))
        {
            return null;
        }

        var method = trade.ProductCode == AlipayBizContent.WapPayProduct ? "alipay.trade.wap.pay.return" : "alipay.trade.page.pay.return";
        var fields = signer.SignCallback(
        [
            new("charset", "utf-8"), new("out_trade_no", trade.OutTradeNo), new("method", method),
            new("total_amount", Money.Format(trade.TotalAmount)), new("trade_no", trade.TradeNo), new("auth_app_id", trade.AppId),
            new("version", "1.0"), new("app_id", trade.AppId), new("seller_id", options.Value.SellerId), new("timestamp", now.ToAlipayText()),
        ]);
        return AlipayRequestSigner.ToUrl(trade.ReturnUrl, fields);
    }

    /// <summary>Alipay closes an unpaid trade once its <c>time_expire</c> has passed.</summary>
    private async Task CloseIfExpiredAsync(SimulatorDbContext db, SimulatorTrade trade, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (trade.Status == AlipayTradeStatus.WaitBuyerPay && trade.TimeExpire is { } expire && expire <= now)
        {
            trade.Status = AlipayTradeStatus.Closed;
            trade.ClosedAt = now;
            trade.Version++;
            await db.SaveChangesAsync(ct);
        }
    }
}
