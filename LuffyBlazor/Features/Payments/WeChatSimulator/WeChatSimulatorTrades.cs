using System.Globalization;
using System.Security.Cryptography;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Simulator;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>What a refund request came to: the refund (new, or the first one under that out_refund_no), or why not.</summary>
public sealed record WeChatSimRefundResult(WeChatSimRefund? Refund, string? Refusal);

/// <summary>
/// The simulated WeChat Pay's records, in its own database (<see cref="WeChatSimulatorDbContext"/>), so a restart of
/// the app forgets nothing. Every change that reads before it writes runs in a SQLite transaction, which takes the
/// file's one write lock at its start: a pay racing a close, or two refunds, leave one result.
/// </summary>
public sealed class WeChatSimulatorTrades(
    IDbContextFactory<WeChatSimulatorDbContext> dbFactory, WeChatSimulatorNotifications notifications, TimeProvider clock)
{
    public async Task<WeChatSimTrade?> FindAsync(string outTradeNo, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Trades.AsNoTracking().FirstOrDefaultAsync(t => t.OutTradeNo == outTradeNo, ct);
    }

    public async Task<WeChatSimTrade?> FindByTokenAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Trades.AsNoTracking().FirstOrDefaultAsync(t => t.Token == token, ct);
    }

    public async Task<WeChatSimRefund?> FindRefundAsync(string outRefundNo, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.OutRefundNo == outRefundNo, ct);
    }

    /// <summary>Records <paramref name="placed"/>, or answers the trade already under its out_trade_no (Created false).</summary>
    public async Task<(WeChatSimTrade Trade, bool Created)> PlaceAsync(WeChatSimTrade placed, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.Trades.AsNoTracking().FirstOrDefaultAsync(t => t.OutTradeNo == placed.OutTradeNo, ct) is { } existing)
        {
            return (existing, false);
        }

        placed.CreatedAt = clock.UtcNowToTheMillisecond();
        db.Add(placed);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (placed, true);
    }

    /// <summary>Closes a trade still waiting for payment; null when there is no such trade.</summary>
    public async Task<WeChatSimTrade?> CloseAsync(string outTradeNo, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Trades.Where(t => t.OutTradeNo == outTradeNo && t.TradeState == "NOTPAY")
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.TradeState, "CLOSED"), ct);
        return await db.Trades.AsNoTracking().FirstOrDefaultAsync(t => t.OutTradeNo == outTradeNo, ct);
    }

    /// <summary>
    /// The buyer's 确认支付: the trade paid with the switches the buyer changed on the page applied, and its notify queued
    /// in the same transaction. Returns the trade and its queued notifies, or why it cannot be paid.
    /// </summary>
    public async Task<(WeChatSimTrade? Trade, List<WeChatSimNotification> Queued, string? Refusal)> PayAsync(
        string token, NotifyFaultChanges changes, Func<WeChatSimTrade, object> transactionOf, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var trade = await db.Trades.FirstOrDefaultAsync(t => t.Token == token, ct);
        var now = clock.UtcNowToTheMillisecond();
        var refusal = trade switch
        {
            null => "订单不存在",
            { TradeState: "SUCCESS" or "REFUND" } => "订单已支付",
            { TradeState: not "NOTPAY" } => "订单已关闭",
            _ when trade.TimeExpire <= now => "订单已过期",
            _ => null,
        };
        if (refusal is not null)
        {
            return (null, [], refusal);
        }

        var faults = changes.Over(trade!.Faults);
        (trade.NotifyFault, trade.NotifyCopies, trade.NotifyDelay, trade.TamperAmount, trade.TamperSignature) =
            (faults.Fault, faults.Copies, faults.Delay, faults.TamperAmount, faults.TamperSignature);
        trade.TradeState = "SUCCESS";
        trade.SuccessTime = now;
        trade.TransactionId = NewTransactionId(now);
        var queued = notifications.QueuePayment(db, trade, transactionOf(trade));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifications.Wake();
        return (trade, queued, null);
    }

    /// <summary>A refund of a paid trade, at once SUCCESS, with its REFUND.SUCCESS notify when a notify_url is given.</summary>
    public async Task<WeChatSimRefundResult> RefundAsync(
        string outTradeNo, string outRefundNo, long amount, long total, string? notifyUrl, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.OutRefundNo == outRefundNo, ct) is { } known)
        {
            return new(known, null); // the same out_refund_no refunds once, and answers the first refund
        }

        var trade = await db.Trades.FirstOrDefaultAsync(t => t.OutTradeNo == outTradeNo, ct);
        var refusal = trade switch
        {
            null or { TradeState: not ("SUCCESS" or "REFUND") } => "订单不存在或未支付，不能退款",
            _ when total != trade.Total => "订单金额 amount.total 与原订单不符",
            _ when amount > trade.Total - trade.Refunded => "申请退款金额超过订单可退金额",
            _ => null,
        };
        if (refusal is not null)
        {
            return new(null, refusal);
        }

        var now = clock.UtcNowToTheMillisecond();
        var refund = new WeChatSimRefund
        {
            OutRefundNo = outRefundNo, OutTradeNo = outTradeNo, RefundId = NewRefundId(now), Amount = amount, Total = trade!.Total,
            CreatedAt = now, SuccessTime = now,
        };
        db.Add(refund);
        trade.Refunded += amount;
        trade.TradeState = "REFUND";
        if (!string.IsNullOrEmpty(notifyUrl))
        {
            notifications.QueueRefund(db, trade, refund, notifyUrl);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        notifications.Wake();
        return new(refund, null);
    }

    /// <summary>The console's notify switches, for a trade not paid yet (a paid trade's notify is already queued).</summary>
    public async Task SaveFaultsAsync(string outTradeNo, NotifyFaults faults, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Trades.Where(t => t.OutTradeNo == outTradeNo && t.TradeState == "NOTPAY")
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.NotifyFault, faults.Fault).SetProperty(t => t.NotifyCopies, faults.Copies)
                .SetProperty(t => t.NotifyDelay, faults.Delay).SetProperty(t => t.TamperAmount, faults.TamperAmount)
                .SetProperty(t => t.TamperSignature, faults.TamperSignature), ct);
    }

    /// <summary>The console's API switch: how query, close and refund answer for this trade from now on.</summary>
    public async Task SaveApiFaultAsync(string outTradeNo, WeChatApiFault fault, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Trades.Where(t => t.OutTradeNo == outTradeNo).ExecuteUpdateAsync(s => s.SetProperty(t => t.ApiFault, fault), ct);
    }

    public static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    /// <summary>"4200002026…": 28 digits, as WeChat's transaction ids are.</summary>
    public static string NewTransactionId(DateTime now) => "42000" + now.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + RandomDigits(15);

    public static string NewRefundId(DateTime now) => "50300" + now.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + RandomDigits(15);

    private static string RandomDigits(int count) => RandomNumberGenerator.GetString("0123456789", count);
}
