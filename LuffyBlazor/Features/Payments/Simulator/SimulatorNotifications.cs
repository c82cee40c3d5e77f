using System.Text.Json;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>
/// Alipay's async notifies: built and signed like the real ones, queued in the database with the trade's fault
/// switches applied, and delivered by POSTing the form to <c>notify_url</c>. Only the exact answer <c>success</c>
/// ends a delivery; otherwise it is retried with the same <c>notify_id</c> after 4m, 10m, 10m, 1h, 2h, 6h, 15h
/// (times <c>Alipay:Simulator:NotifyRetryScale</c>).
/// </summary>
public sealed class SimulatorNotifications(
    IDbContextFactory<SimulatorDbContext> dbFactory, SimulatorSigner signer, IHttpClientFactory http, SimulatorWakeUp wakeUp,
    IOptions<SimulatorOptions> options, TimeProvider clock, ILogger<SimulatorNotifications> logger)
{
    public const string HttpClientName = "alipay-simulator-notify";

    public static readonly TimeSpan[] RetrySchedule =
    [
        TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1),
        TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(15),
    ];

    /// <summary>Queues the payment's notify (as many copies as the trade's fault says) on the caller's context.</summary>
    public List<SimulatorNotification> QueuePayment(SimulatorDbContext db, SimulatorTrade trade, DateTimeOffset now)
    {
        if (trade.NotifyFault == NotifyFault.Drop || string.IsNullOrEmpty(trade.NotifyUrl))
        {
            return [];
        }

        var form = PaymentForm(trade, now);
        if (trade.TamperAmount)
        {
            Replace(form, "total_amount", Money.Format(trade.TotalAmount == 0.01m ? 1.00m : 0.01m));
        }

        if (trade.TamperSignature)
        {
            var sign = form.First(f => f.Key == "sign").Value;
            Replace(form, "sign", (sign[0] == 'A' ? 'B' : 'A') + sign[1..]);
        }

        var copies = trade.NotifyFault is NotifyFault.Repeat or NotifyFault.Concurrent ? trade.NotifyCopies : 1;
        var queued = new List<SimulatorNotification>();
        for (var i = 0; i < copies; i++)
        {
            var at = trade.NotifyFault switch
            {
                NotifyFault.Delay => now + trade.NotifyDelay,
                NotifyFault.Repeat => now + TimeSpan.FromSeconds(i),
                _ => now,
            };
            var notification = Queue(db, trade, form, AlipayTradeStatus.Success, at, now);
            if (trade.NotifyFault == NotifyFault.BeforeReturn)
            {
                // The cashier delivers it itself before redirecting; the background notifier must leave it alone.
                notification.ClaimedUntil = clock.UtcNowToTheMillisecond() + ClaimLifetime;
            }

            queued.Add(notification);
        }

        return queued;
    }

    /// <summary>A refund's notify: TRADE_SUCCESS with <c>refund_fee</c> while money is left, TRADE_CLOSED once all is refunded.</summary>
    public void QueueRefund(SimulatorDbContext db, SimulatorTrade trade, SimulatorRefund refund, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(trade.NotifyUrl))
        {
            return;
        }

        var fields = Common(trade, now);
        fields.Add(new("trade_status", trade.Status));
        fields.Add(new("refund_fee", Money.Format(trade.RefundedAmount)));
        fields.Add(new("gmt_refund", now.ToOffset(BeijingTime.Offset).ToString("yyyy-MM-dd HH:mm:ss.fff")));
        fields.Add(new("out_biz_no", refund.OutRequestNo));
        if (trade.Status == AlipayTradeStatus.Closed)
        {
            fields.Add(new("gmt_close", now.ToAlipayText()));
        }

        Queue(db, trade, signer.SignCallback(fields), trade.Status, now, now);
    }

    /// <summary>Lets the notifier look at the queue now instead of at its next tick.</summary>
    public void Wake() => wakeUp.Signal();

    /// <summary>Delivers one queued notify now (the console's "send now"), unless a notifier is sending it already.</summary>
    public async Task<bool> DeliverNowAsync(long notificationId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await TryClaimAsync(db, notificationId, ct) is not { } claim)
        {
            return false;
        }

        await AttemptAsync(claim, ct);
        return true;
    }

    /// <summary>Claims the notifies that are due (a conditional update, so several instances never send one twice).</summary>
    public async Task<List<NotifyClaim>> ClaimDueAsync(int max, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.UtcNowToTheMillisecond();
        var due = await db.Set<SimulatorNotification>().AsNoTracking()
            .Where(n => n.State == NotificationState.Pending && n.NextAttemptAt <= now && (n.ClaimedUntil == null || n.ClaimedUntil < now))
            .OrderBy(n => n.NextAttemptAt).Take(max).Select(n => n.Id).ToListAsync(ct);
        var claimed = new List<NotifyClaim>();
        foreach (var id in due)
        {
            if (await TryClaimAsync(db, id, ct) is { } claim)
            {
                claimed.Add(claim);
            }
        }

        return claimed;
    }

    private async Task<NotifyClaim?> TryClaimAsync(SimulatorDbContext db, long notificationId, CancellationToken ct)
    {
        var now = clock.UtcNowToTheMillisecond();
        var until = now + ClaimLifetime;
        var won = await db.Set<SimulatorNotification>()
            .Where(n => n.Id == notificationId && n.State == NotificationState.Pending && (n.ClaimedUntil == null || n.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ClaimedUntil, until), ct);
        return won == 1 ? new NotifyClaim(notificationId, until) : null;
    }

    /// <summary>A claim outlasts one POST (cut off after <c>NotifyTimeout</c>) with room for the database work around it.</summary>
    private TimeSpan ClaimLifetime => options.Value.NotifyTimeout * 2;

    /// <summary>
    /// One POST of a notify the caller has claimed, recorded with the merchant's answer (or why it could not be
    /// sent); schedules the next try if needed. Every POST counts as an attempt. Only the claim's holder schedules:
    /// a sender whose claim lapsed while it waited (another instance may have sent it since) records its attempt
    /// and leaves the schedule to the new holder, except that a <c>success</c> ends the delivery whoever got it.
    /// </summary>
    public async Task AttemptAsync(NotifyClaim claim, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var notification = await db.Set<SimulatorNotification>().AsNoTracking().FirstAsync(n => n.Id == claim.NotificationId, ct);
        var attempt = await PostAsync(notification, ct);

        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var notifications = db.Set<SimulatorNotification>().Where(n => n.Id == claim.NotificationId);
        await notifications.ExecuteUpdateAsync(s => s.SetProperty(n => n.Attempts, n => n.Attempts + 1), CancellationToken.None);
        var attempts = await notifications.Select(n => n.Attempts).FirstAsync(CancellationToken.None);
        var scheduled = attempt.Accepted
            ? await notifications.ExecuteUpdateAsync(s => s.SetProperty(n => n.State, NotificationState.Delivered).SetProperty(n => n.ClaimedUntil, (DateTime?)null), CancellationToken.None)
            : await Reschedule(notifications.Where(n => n.ClaimedUntil == claim.Until && n.State == NotificationState.Pending), attempts);
        db.Add(attempt);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);

        var outcome = attempt.Accepted ? "success" : attempt.Error ?? $"HTTP {attempt.HttpStatus} '{attempt.Answer}'";
        if (scheduled == 0)
        {
            logger.LogWarning("Simulator notify {NotifyId} attempt {Attempt} to {Url}: {Outcome}; its claim had lapsed, so its next try is another sender's",
                notification.NotifyId, attempts, notification.NotifyUrl, outcome);
            return;
        }

        logger.LogInformation("Simulator notify {NotifyId} attempt {Attempt} to {Url}: {Outcome}", notification.NotifyId, attempts, notification.NotifyUrl, outcome);
    }

    /// <summary>After a refused or failed POST: the next try by Alipay's schedule, or give up after the last one.</summary>
    private Task<int> Reschedule(IQueryable<SimulatorNotification> held, int attempts)
    {
        if (attempts > RetrySchedule.Length)
        {
            return held.ExecuteUpdateAsync(s => s.SetProperty(n => n.State, NotificationState.GaveUp).SetProperty(n => n.ClaimedUntil, (DateTime?)null));
        }

        var next = (clock.GetUtcNow() + RetrySchedule[attempts - 1] * options.Value.NotifyRetryScale).UtcDateTime;
        return held.ExecuteUpdateAsync(s => s.SetProperty(n => n.NextAttemptAt, next).SetProperty(n => n.ClaimedUntil, (DateTime?)null));
    }

    /// <summary>The POST itself. Whatever goes wrong is the attempt's result (shown in the console), never an exception.</summary>
    private async Task<SimulatorNotifyAttempt> PostAsync(SimulatorNotification notification, CancellationToken ct)
    {
        var attempt = new SimulatorNotifyAttempt { NotificationId = notification.Id, At = clock.GetUtcNow().UtcDateTime };
        try
        {
            var form = JsonSerializer.Deserialize<List<KeyValuePair<string, string>>>(notification.Form)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.NotifyTimeout);
            using var response = await http.CreateClient(HttpClientName).PostAsync(notification.NotifyUrl, new FormUrlEncodedContent(form), timeout.Token);
            var answer = await response.Content.ReadAsStringAsync(timeout.Token);
            attempt.HttpStatus = (int)response.StatusCode;
            attempt.Answer = answer.Length <= 256 ? answer : answer[..256];
            attempt.Accepted = response.IsSuccessStatusCode && answer == "success";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            attempt.Error = $"no answer within {options.Value.NotifyTimeout}";
        }
        catch (HttpRequestException ex)
        {
            attempt.Error = Shorten(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A notify_url that is no absolute http(s) URL, and the like: a failed attempt like any other, retried by
            // the schedule and given up in the end, instead of an exception that would leave the notify claimed.
            attempt.Error = Shorten($"{ex.GetType().Name}: {ex.Message}");
        }

        return attempt;
    }

    private static string Shorten(string text) => text.Length <= 512 ? text : text[..512];

    private List<KeyValuePair<string, string>> PaymentForm(SimulatorTrade trade, DateTimeOffset now)
    {
        var amount = Money.Format(trade.TotalAmount);
        var fields = Common(trade, now);
        fields.AddRange(
        [
            new("trade_status", AlipayTradeStatus.Success), new("gmt_payment", trade.PaidAt!.Value.ToAlipayText()),
            new("invoice_amount", amount), new("receipt_amount", amount), new("buyer_pay_amount", amount), new("point_amount", "0.00"),
            new("fund_bill_list", $"[{{\"amount\":\"{amount}\",\"fundChannel\":\"ALIPAYACCOUNT\"}}]"),
        ]);
        return signer.SignCallback(fields);
    }

    private List<KeyValuePair<string, string>> Common(SimulatorTrade trade, DateTimeOffset now) =>
    [
        new("notify_type", "trade_status_sync"), new("notify_id", SimulatorIds.NotifyId(now)), new("notify_time", now.ToAlipayText()),
        new("charset", "utf-8"), new("version", "1.0"), new("app_id", trade.AppId), new("auth_app_id", trade.AppId),
        new("out_trade_no", trade.OutTradeNo), new("trade_no", trade.TradeNo), new("total_amount", Money.Format(trade.TotalAmount)),
        new("subject", trade.Subject), new("seller_id", options.Value.SellerId), new("buyer_id", trade.BuyerId ?? options.Value.BuyerId),
        new("gmt_create", trade.CreatedAt.ToAlipayText()),
    ];

    private static SimulatorNotification Queue(
        SimulatorDbContext db, SimulatorTrade trade, List<KeyValuePair<string, string>> form, string status, DateTimeOffset at, DateTimeOffset now)
    {
        var notification = new SimulatorNotification
        {
            TradeId = trade.Id,
            NotifyId = form.First(f => f.Key == "notify_id").Value,
            NotifyUrl = trade.NotifyUrl!,
            TradeStatusSent = status,
            Form = JsonSerializer.Serialize(form),
            NextAttemptAt = at.UtcDateTime,
            CreatedAt = now.UtcDateTime,
        };
        db.Add(notification);
        return notification;
    }

    private static void Replace(List<KeyValuePair<string, string>> form, string key, string value)
    {
        var index = form.FindIndex(f => f.Key == key);
        form[index] = new(key, value);
    }
}

/// <summary>A notify one sender owns until <see cref="Until"/> (the end it wrote identifies its claim).</summary>
public sealed record NotifyClaim(long NotificationId, DateTime Until);
