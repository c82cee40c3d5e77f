using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>
/// <c>POST /api/v1/order/wechat/notify/</c>: WeChat Pay's payment and refund notifies. Reads the body, verifies and
/// decrypts it (<see cref="WeChatPayNotifies"/>) and hands it to the shop (<see cref="IPaymentNotifyHandler"/>), which
/// decides. Answers what APIv3 expects: 204 with no body when received, otherwise a 4xx with
/// <c>{"code":"FAIL","message":"…"}</c> (WeChat then sends it again on its retry schedule).
/// </summary>
[Route("api/v1/order/wechat/notify")]
public sealed class WeChatPayNotifyController(WeChatPayNotifies notifies, IPaymentNotifyHandler shop) : ControllerBase
{
    /// <summary>A real notify is about 1 KB; anything far larger is not from WeChat.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    [HttpPost("")]
    [IgnoreAntiforgeryToken]
    [RequestSizeLimit(MaxBodyBytes)]
    public async Task<IActionResult> NotifyAsync(CancellationToken ct)
    {
        var remoteIp = HttpContext.Connection.RemoteIpAddress?.ToString();
        string body;
        try
        {
            if (Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            {
                await shop.RecordUnreadableAsync($"not JSON: content type {Request.ContentType ?? "(none)"}", remoteIp, WeChatPayNotifies.Provider);
                return Fail(StatusCodes.Status400BadRequest, "not a JSON notify");
            }

            using var reader = new StreamReader(Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
            body = await reader.ReadToEndAsync(ct);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or DecoderFallbackException)
        {
            await shop.RecordUnreadableAsync($"unreadable body: {ex.Message}", remoteIp, WeChatPayNotifies.Provider);
            return Fail(StatusCodes.Status400BadRequest, "unreadable body");
        }

        var received = await notifies.ReadAsync(WeChatPaySignedHeaders.From(Request.Headers), body, remoteIp, ct);
        if (await shop.HandleAsync(received, ct))
        {
            return NoContent();
        }

        // The reason is in the notify log; WeChat is told only that it failed, and which kind.
        return received.IsVerified
            ? Fail(StatusCodes.Status400BadRequest, "处理失败")
            : Fail(StatusCodes.Status401Unauthorized, "签名验证失败");
    }

    private static ObjectResult Fail(int status, string message) =>
        new(new { code = "FAIL", message }) { StatusCode = status, ContentTypes = { "application/json" } };
}
