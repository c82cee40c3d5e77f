using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>
/// <c>POST /api/v1/order/success/</c>: Alipay's async notify. Reads the form, verifies and parses it
/// (<see cref="AlipayCallbacks"/>) and hands it to the shop (<see cref="IPaymentNotifyHandler"/>), which decides.
/// Answers the plain text Alipay expects, <c>success</c> or <c>failure</c>, and never an error page, whatever arrives.
/// </summary>
[Route("api/v1/order/success")]
public sealed class AlipayNotifyController(
    AlipayCallbacks callbacks, IOptions<AlipayOptions> options, IPaymentNotifyHandler shop) : ControllerBase
{
    /// <summary>A real notify is about 1.5 KB; anything far larger is not from Alipay.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public static readonly PaymentProvider Provider = new("Alipay", "支付宝", NotifyActor);

    /// <summary>Who an order's status history names for a change a notify makes.</summary>
    public const string NotifyActor = "alipay-notify";

    [HttpPost("")]
    [IgnoreAntiforgeryToken]
    [RequestSizeLimit(MaxBodyBytes)]
    [RequestFormLimits(ValueCountLimit = 100, KeyLengthLimit = 64, ValueLengthLimit = 8 * 1024)]
    public async Task<ContentResult> NotifyAsync(CancellationToken ct)
    {
        var remoteIp = HttpContext.Connection.RemoteIpAddress?.ToString();
        List<KeyValuePair<string, string>> form;
        try
        {
            if (!Request.HasFormContentType)
            {
                return await RefuseAsync($"content type {Request.ContentType ?? "(none)"} is not a form", remoteIp);
            }

            var fields = await Request.ReadFormAsync(ct);
            if (fields.Any(f => f.Value.Count != 1))
            {
                return await RefuseAsync("a parameter is repeated or empty-keyed", remoteIp);
            }

            form = fields.Select(f => KeyValuePair.Create(f.Key, f.Value.ToString())).ToList();
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return await RefuseAsync($"unreadable form body: {ex.Message}", remoteIp);
        }

        var verdict = callbacks.VerifyNotify(form);
        var received = new ReceivedNotify(
            Provider, options.Value.AppId, form, verdict.Notification?.ToPaymentNotification(form),
            verdict.IsValid ? null : verdict.Reason ?? "invalid notify", remoteIp,
            string.IsNullOrWhiteSpace(options.Value.SellerId) ? null : options.Value.SellerId);
        return Answer(await shop.HandleAsync(received, ct));
    }

    // Logged by the shop, which also keeps a flood of these from filling its log.
    private async Task<ContentResult> RefuseAsync(string reason, string? remoteIp)
    {
        await shop.RecordUnreadableAsync(reason, remoteIp, Provider);
        return Answer(false);
    }

    private static ContentResult Answer(bool success) => new()
    {
        Content = success ? "success" : "failure",
        ContentType = "text/plain; charset=utf-8",
        StatusCode = StatusCodes.Status200OK,
    };
}
