using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// WeChat Pay's notifies: the resource encrypted with the APIv3 key (AEAD_AES_256_GCM), the envelope signed with the
/// platform key under its public key id, POSTed as JSON to the notify_url. They are queued in the simulator's
/// database with the trade's fault switches applied (in the transaction that pays or refunds), so a restart of the
/// app loses none and their retry schedule goes on. Only an answer of 200 or 204 ends a delivery; otherwise it is
/// sent again on <see cref="WeChatSimulatorNotifier.RetrySchedule"/> (times <c>WeChatPay:Simulator:NotifyRetryScale</c>),
/// then given up, as WeChat does.
/// </summary>
public sealed class WeChatSimulatorNotifications(
    IDbContextFactory<WeChatSimulatorDbContext> dbFactory, WeChatSimulatorSigner signer, IHttpClientFactory http,
    IOptions<WeChatSimulatorOptions> options, TimeProvider clock, ILogger<WeChatSimulatorNotifications> logger)
{
    public const string HttpClientName = "wechatpay-simulator-notify";

    private readonly SimulatorWakeUp wakeUp = new();

    /// <summary>Completes when a notify was queued to go now (see <see cref="SimulatorWakeUp"/>).</summary>
    public SimulatorWakeUp WakeUp => wakeUp;

    /// <summary>
    /// Queues the payment's notify on the caller's context, as many copies and as late as the trade's fault switches
    /// say: dropped, delayed, N copies a second apart or all at once, the amount one fen off, the signature forged.
    /// With "notify before the return" the copies are claimed for the caller, who delivers them itself.
    /// </summary>
    public List<WeChatSimNotification> QueuePayment(WeChatSimulatorDbContext db, WeChatSimTrade trade, object transaction)
    {
        if (trade.NotifyFault == NotifyFault.Drop)
        {
            return [];
        }

        var now = trade.SuccessTime ?? clock.UtcNowToTheMillisecond(); // a delay counts from the payment
        var body = Envelope("TRANSACTION.SUCCESS", "transaction", "支付成功", transaction, trade.TamperAmount);
        var copies = trade.NotifyFault is NotifyFault.Repeat or NotifyFault.Concurrent ? trade.NotifyCopies : 1;
        var queued = new List<WeChatSimNotification>();
        for (var i = 0; i < copies; i++)
        {
            var notification = Queue(db, trade, trade.NotifyUrl, "TRANSACTION.SUCCESS", body, trade.NotifyFault switch
            {
                NotifyFault.Delay => now + trade.NotifyDelay,
                NotifyFault.Repeat => now + TimeSpan.FromSeconds(i),
                _ => now,
            });
            notification.TamperSignature = trade.TamperSignature;
            if (trade.NotifyFault == NotifyFault.BeforeReturn)
            {
                notification.ClaimedUntil = now + ClaimLifetime;
            }

            queued.Add(notification);
        }

        return queued;
    }

    /// <summary>A refund's notify (REFUND.SUCCESS) to the refund's notify_url, on the caller's context.</summary>
    public void QueueRefund(WeChatSimulatorDbContext db, WeChatSimTrade trade, WeChatSimRefund refund, string url) =>
        Queue(db, trade, url, "REFUND.SUCCESS", Envelope("REFUND.SUCCESS", "refund", "退款成功", RefundNotice(refund, trade), tamperAmount: false),
            clock.UtcNowToTheMillisecond());

    /// <summary>Lets the notifier look at the queue now instead of at its next tick.</summary>
    public void Wake() => wakeUp.Signal();

    /// <summary>
    /// Sends every notify due by the clock's now (claimed first, so the console's 立即发送 and the notifier never send one
    /// at once) and reschedules the ones not answered. The hosted notifier runs it at each tick; a test runs it itself
    /// between moves of a fake clock. Returns how many notifies are still on their way.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var now = clock.UtcNowToTheMillisecond();
            var due = await db.Notifications.AsNoTracking()
                .Where(n => n.State == NotificationState.Pending && n.NextAttemptAt <= now && (n.ClaimedUntil == null || n.ClaimedUntil < now))
                .OrderBy(n => n.NextAttemptAt).Select(n => n.Id).Take(100).ToListAsync(ct);
            var claimed = new List<long>();
            foreach (var id in due)
            {
                if (await TryClaimAsync(db, id, ct))
                {
                    claimed.Add(id);
                }
            }

            // Due copies go out together: that is how "send them at the same moment" reaches the merchant at once.
            await Task.WhenAll(claimed.Select(id => AttemptAsync(id, ct)));
        }

        await using var after = await dbFactory.CreateDbContextAsync(ct);
        return await after.Notifications.CountAsync(n => n.State == NotificationState.Pending, ct);
    }

    /// <summary>Delivers one queued notify now (the console's 立即发送, "notify before the return"), unless a sender holds it.</summary>
    public async Task<bool> DeliverNowAsync(long notificationId, CancellationToken ct, bool claimedByCaller = false)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!claimedByCaller && !await TryClaimAsync(db, notificationId, ct))
            {
                return false;
            }
        }

        await AttemptAsync(notificationId, ct);
        return true;
    }

    /// <summary>The console's 重放: the very same envelope (same id) queued again, signed afresh; the shop must not apply it twice.</summary>
    public async Task ReplayAsync(long notificationId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Notifications.AsNoTracking().FirstOrDefaultAsync(n => n.Id == notificationId, ct) is not { } original)
        {
            return;
        }

        var now = clock.UtcNowToTheMillisecond();
        db.Add(new WeChatSimNotification
        {
            TradeId = original.TradeId, OutTradeNo = original.OutTradeNo, EventType = original.EventType, Url = original.Url,
            Body = original.Body, TamperSignature = original.TamperSignature, NextAttemptAt = now, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        Wake();
    }

    private async Task<bool> TryClaimAsync(WeChatSimulatorDbContext db, long id, CancellationToken ct)
    {
        var now = clock.UtcNowToTheMillisecond();
        var until = now + ClaimLifetime;
        return await db.Notifications
            .Where(n => n.Id == id && n.State == NotificationState.Pending && (n.ClaimedUntil == null || n.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ClaimedUntil, until), ct) == 1;
    }

    /// <summary>A claim outlasts one POST (cut off after <c>NotifyTimeout</c>) with room for the database work around it.</summary>
    private TimeSpan ClaimLifetime => options.Value.NotifyTimeout * 2;

    /// <summary>One POST of a claimed notify, recorded with the answer; the next try by WeChat's schedule, or given up.</summary>
    private async Task AttemptAsync(long id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var notification = await db.Notifications.FirstAsync(n => n.Id == id, ct);
        var attempt = await PostAsync(notification, ct);
        notification.Attempts++;
        notification.ClaimedUntil = null;
        if (attempt.Accepted)
        {
            notification.State = NotificationState.Delivered;
        }
        else if (notification.Attempts > WeChatSimulatorNotifier.RetrySchedule.Length)
        {
            notification.State = NotificationState.GaveUp;
            logger.LogWarning("WeChat Pay simulator gave up the notify for {OutTradeNo} after {Attempts} attempts", notification.OutTradeNo, notification.Attempts);
        }
        else
        {
            notification.NextAttemptAt = clock.UtcNowToTheMillisecond()
                + WeChatSimulatorNotifier.RetrySchedule[notification.Attempts - 1] * options.Value.NotifyRetryScale;
        }

        db.Add(attempt);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The POST itself. Whatever goes wrong is the attempt's result (shown in the console), never an exception.</summary>
    private async Task<WeChatSimNotifyAttempt> PostAsync(WeChatSimNotification notification, CancellationToken ct)
    {
        var attempt = new WeChatSimNotifyAttempt { NotificationId = notification.Id, At = clock.UtcNowToTheMillisecond() };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, notification.Url)
            {
                Content = new StringContent(notification.Body, Encoding.UTF8, "application/json"),
            };
            foreach (var (name, value) in signer.SignHeaders(notification.Body, notification.TamperSignature))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.NotifyTimeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            attempt.HttpStatus = (int)response.StatusCode;
            attempt.Accepted = (int)response.StatusCode is 200 or 204;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            attempt.Error = $"no answer within {options.Value.NotifyTimeout}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A refused connection, a notify_url that is no absolute URL: a failed attempt like any other, retried.
            var error = $"{ex.GetType().Name}: {ex.Message}";
            attempt.Error = error.Length <= 512 ? error : error[..512];
        }

        return attempt;
    }

    private WeChatSimNotification Queue(WeChatSimulatorDbContext db, WeChatSimTrade trade, string url, string eventType, string body, DateTime at)
    {
        var notification = new WeChatSimNotification
        {
            TradeId = trade.Id, OutTradeNo = trade.OutTradeNo, EventType = eventType, Url = url, Body = body, NextAttemptAt = at,
            CreatedAt = clock.UtcNowToTheMillisecond(),
        };
        db.Add(notification);
        return notification;
    }

    private string Envelope(string eventType, string originalType, string summary, object resource, bool tamperAmount)
    {
        var plaintext = JsonSerializer.Serialize(resource, WeChatPayJson.Options);
        if (tamperAmount)
        {
            // One fen more than was paid: the shop must refuse it (amount.total ≠ the order total).
            var node = JsonNode.Parse(plaintext)!;
            node["amount"]!["total"] = (long)node["amount"]!["total"]! + 1;
            plaintext = node.ToJsonString(WeChatPayJson.Options);
        }

        var nonce = RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 12);
        return JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(),
            create_time = WeChatPayTime.Format(clock.GetUtcNow()),
            resource_type = "encrypt-resource",
            event_type = eventType,
            summary,
            resource = new
            {
                original_type = originalType,
                algorithm = WeChatPayAead.Algorithm,
                ciphertext = WeChatPayAead.Encrypt(signer.ApiV3Key, nonce, originalType, plaintext),
                associated_data = originalType,
                nonce,
            },
        }, WeChatPayJson.Options);
    }

    private static object RefundNotice(WeChatSimRefund refund, WeChatSimTrade trade) => new
    {
        mchid = trade.MchId,
        out_trade_no = refund.OutTradeNo,
        transaction_id = trade.TransactionId,
        out_refund_no = refund.OutRefundNo,
        refund_id = refund.RefundId,
        refund_status = refund.Status,
        success_time = refund.SuccessTime is { } at ? WeChatPayTime.Format(at) : null,
        user_received_account = "支付用户零钱",
        amount = new { total = refund.Total, refund = refund.Amount, payer_total = refund.Total, payer_refund = refund.Amount },
    };
}
