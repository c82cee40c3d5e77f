using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>One notify on its way: the signed envelope and when it is next due.</summary>
public sealed class WeChatSimDelivery
{
    public required WeChatSimTrade Trade { get; init; }
    public required string Url { get; init; }
    public required string Body { get; init; }
    public required string EventType { get; init; }
    public bool TamperSignature { get; init; }
    public DateTimeOffset DueAt { get; set; }
    public int Attempts { get; set; }
    public bool Done { get; set; }
}

/// <summary>
/// WeChat Pay's notifies: the resource encrypted with the APIv3 key (AEAD_AES_256_GCM), the envelope signed with the
/// platform key under its public key id, POSTed as JSON to the notify_url. Only an answer of 200 or 204 ends a
/// delivery; otherwise it is sent again after 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h
/// (times <c>WeChatPay:Simulator:NotifyRetryScale</c>), then given up, as WeChat does. The trade's fault switches
/// drop, delay, repeat or send copies at once, and tamper with the amount or the signature.
/// </summary>
public sealed class WeChatSimulatorNotifier(
    WeChatSimulatorSigner signer, IHttpClientFactory http, IOptions<WeChatSimulatorOptions> options, TimeProvider clock,
    ILogger<WeChatSimulatorNotifier> logger) : BackgroundService
{
    public const string HttpClientName = "wechatpay-simulator-notify";

    public static readonly TimeSpan[] RetrySchedule =
    [
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60),
        TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(6),
    ];

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private readonly ConcurrentQueue<WeChatSimDelivery> queue = new();
    private readonly List<WeChatSimDelivery> pending = [];

    /// <summary>Queues the payment's notify, as many copies and as late as the trade's fault switches say.</summary>
    public void QueuePayment(WeChatSimTrade trade, object transaction)
    {
        if (trade.NotifyFault == NotifyFault.Drop)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var body = Envelope("TRANSACTION.SUCCESS", "transaction", "支付成功", transaction, trade.TamperAmount);
        var copies = trade.NotifyFault is NotifyFault.Repeat or NotifyFault.Concurrent ? trade.NotifyCopies : 1;
        for (var i = 0; i < copies; i++)
        {
            queue.Enqueue(new WeChatSimDelivery
            {
                Trade = trade, Url = trade.NotifyUrl, Body = body, EventType = "TRANSACTION.SUCCESS", TamperSignature = trade.TamperSignature,
                DueAt = trade.NotifyFault switch
                {
                    NotifyFault.Delay => now + trade.NotifyDelay,
                    NotifyFault.Repeat => now + TimeSpan.FromSeconds(i),
                    _ => now,
                },
            });
        }
    }

    /// <summary>A refund's notify (REFUND.SUCCESS), to the refund's notify_url.</summary>
    public void QueueRefund(WeChatSimTrade trade, string url, object refund) =>
        queue.Enqueue(new WeChatSimDelivery
        {
            Trade = trade, Url = url, Body = Envelope("REFUND.SUCCESS", "refund", "退款成功", refund, tamperAmount: false),
            EventType = "REFUND.SUCCESS", DueAt = clock.GetUtcNow(),
        });

    private string Envelope(string eventType, string originalType, string summary, object resource, bool tamperAmount)
    {
        var plaintext = JsonSerializer.Serialize(resource, WeChatPayJson.Options);
        if (tamperAmount)
        {
            // One fen more than was paid: the shop must refuse it (amount.total ≠ the order total).
            var node = System.Text.Json.Nodes.JsonNode.Parse(plaintext)!;
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await DeliverDueAsync(stoppingToken);
            try
            {
                await Task.Delay(Tick, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One pass of the loop: sends every notify due by the clock's now and reschedules the ones not answered. The
    /// hosted loop runs it every <see cref="Tick"/>; a test runs it itself between moves of a fake clock. Returns how
    /// many notifies are still on their way.
    /// </summary>
    internal async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        while (queue.TryDequeue(out var queued))
        {
            pending.Add(queued);
        }

        var now = clock.GetUtcNow();
        var due = pending.Where(d => d.DueAt <= now).ToList();
        // Due copies go out together: that is how "send them at the same moment" reaches the merchant at once.
        await Task.WhenAll(due.Select(d => DeliverAsync(d, ct)));
        pending.RemoveAll(d => d.Done);
        return pending.Count;
    }

    private async Task DeliverAsync(WeChatSimDelivery delivery, CancellationToken ct)
    {
        delivery.Attempts++;
        var status = "no answer";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
            };
            foreach (var (name, value) in signer.SignHeaders(delivery.Body, delivery.TamperSignature))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.NotifyTimeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            status = $"HTTP {(int)response.StatusCode}";
            delivery.Done = (int)response.StatusCode is 200 or 204;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            status = ex.GetType().Name;
        }

        lock (delivery.Trade.Deliveries)
        {
            delivery.Trade.Deliveries.Add($"{clock.GetUtcNow():HH:mm:ss} {delivery.EventType} #{delivery.Attempts}: {status}");
        }

        if (!delivery.Done)
        {
            if (delivery.Attempts > RetrySchedule.Length)
            {
                logger.LogWarning("WeChat Pay simulator gave up the notify for {OutTradeNo} after {Attempts} attempts", delivery.Trade.OutTradeNo, delivery.Attempts);
                delivery.Done = true;
                return;
            }

            delivery.DueAt = clock.GetUtcNow() + RetrySchedule[delivery.Attempts - 1] * options.Value.NotifyRetryScale;
        }
    }
}
