using System.Text;
using System.Text.Json;
using LuffyBlazor.Common;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>Everything the app asks of WeChat Pay (APIv3). The one way to talk to it: no other code signs anything.</summary>
public interface IWeChatPayClient
{
    /// <summary><c>POST /v3/pay/transactions/native</c>: a <c>code_url</c> (weixin://wxpay/…) to show as a QR code on a desktop.</summary>
    Task<WeChatPayResponse<WeChatPayCodeUrl>> NativePayAsync(WeChatPayTradeRequest request, CancellationToken ct = default);

    /// <summary><c>POST /v3/pay/transactions/h5</c>: an <c>h5_url</c> a phone's browser is sent to.</summary>
    Task<WeChatPayResponse<WeChatPayH5Url>> H5PayAsync(WeChatPayTradeRequest request, CancellationToken ct = default);

    /// <summary><c>GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=</c>.</summary>
    Task<WeChatPayResponse<WeChatPayTransaction>> QueryAsync(string outTradeNo, CancellationToken ct = default);

    /// <summary><c>POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close</c>: 204 when closed.</summary>
    Task<WeChatPayResponse<WeChatPayCodeUrl>> CloseAsync(string outTradeNo, CancellationToken ct = default);

    /// <summary><c>POST /v3/refund/domestic/refunds</c>; the same <c>out_refund_no</c> never refunds twice.</summary>
    Task<WeChatPayResponse<WeChatPayRefund>> RefundAsync(WeChatPayRefundRequest request, CancellationToken ct = default);

    /// <summary><c>GET /v3/refund/domestic/refunds/{out_refund_no}</c>.</summary>
    Task<WeChatPayResponse<WeChatPayRefund>> QueryRefundAsync(string outRefundNo, CancellationToken ct = default);

    /// <summary>
    /// <c>GET /v3/certificates</c>: the platform certificates, as they came. Not verified here: the download is
    /// verified with the certificates it brings (<see cref="WeChatPayPlatformCertificates"/>).
    /// </summary>
    Task<WeChatPaySignedAnswer> DownloadCertificatesAsync(CancellationToken ct = default);
}

public sealed class WeChatPayClient(
    HttpClient http, IOptions<WeChatPayOptions> options, WeChatPayCredentials credentials, WeChatPayVerifier verifier,
    WeChatPayEndpoint endpoint, TimeProvider clock) : IWeChatPayClient
{
    /// <summary>Marks a request that is safe to send again (the resilience pipeline retries only these).</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("wechatpay.idempotent");

    private WeChatPayOptions Settings => options.Value;

    public Task<WeChatPayResponse<WeChatPayCodeUrl>> NativePayAsync(WeChatPayTradeRequest request, CancellationToken ct = default) =>
        SendAsync<WeChatPayCodeUrl>("native pay", HttpMethod.Post, "/v3/pay/transactions/native", TradeBody(request, h5: false), idempotent: true, ct);

    public Task<WeChatPayResponse<WeChatPayH5Url>> H5PayAsync(WeChatPayTradeRequest request, CancellationToken ct = default) =>
        SendAsync<WeChatPayH5Url>("h5 pay", HttpMethod.Post, "/v3/pay/transactions/h5", TradeBody(request, h5: true), idempotent: true, ct);

    public Task<WeChatPayResponse<WeChatPayTransaction>> QueryAsync(string outTradeNo, CancellationToken ct = default) =>
        SendAsync<WeChatPayTransaction>("query", HttpMethod.Get,
            $"/v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(outTradeNo)}?mchid={Uri.EscapeDataString(Settings.MchId!)}", null, idempotent: true, ct);

    // Not retried: a close whose answer was lost, sent again, may be refused for a closed trade.
    public Task<WeChatPayResponse<WeChatPayCodeUrl>> CloseAsync(string outTradeNo, CancellationToken ct = default) =>
        SendAsync<WeChatPayCodeUrl>("close", HttpMethod.Post, $"/v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(outTradeNo)}/close",
            new { mchid = Settings.MchId }, idempotent: false, ct);

    public Task<WeChatPayResponse<WeChatPayRefund>> RefundAsync(WeChatPayRefundRequest request, CancellationToken ct = default) =>
        SendAsync<WeChatPayRefund>("refund", HttpMethod.Post, "/v3/refund/domestic/refunds", new
        {
            out_trade_no = request.OutTradeNo,
            out_refund_no = request.OutRefundNo,
            reason = string.IsNullOrWhiteSpace(request.Reason) ? null : TextElements.Fit(request.Reason.Trim(), 80),
            notify_url = request.NotifyUrl,
            amount = new { refund = Money.ToFen(request.Refund), total = Money.ToFen(request.Total), currency = "CNY" },
        }, idempotent: true, ct);

    public Task<WeChatPayResponse<WeChatPayRefund>> QueryRefundAsync(string outRefundNo, CancellationToken ct = default) =>
        SendAsync<WeChatPayRefund>("refund query", HttpMethod.Get, $"/v3/refund/domestic/refunds/{Uri.EscapeDataString(outRefundNo)}", null, idempotent: true, ct);

    public Task<WeChatPaySignedAnswer> DownloadCertificatesAsync(CancellationToken ct = default) =>
        ExchangeAsync("certificate download", HttpMethod.Get, "/v3/certificates", null, idempotent: true, ct);

    /// <summary>The pay request's body: amounts in fen, time_expire in RFC 3339 +08:00, a description WeChat takes (≤ 127 characters).</summary>
    public object TradeBody(WeChatPayTradeRequest request, bool h5) => new
    {
        appid = Settings.AppId,
        mchid = Settings.MchId,
        description = TextElements.Fit(request.Description, 127),
        out_trade_no = request.OutTradeNo,
        time_expire = WeChatPayTime.Format(request.TimeExpire),
        notify_url = request.NotifyUrl,
        amount = new { total = Money.ToFen(request.Total), currency = "CNY" },
        scene_info = h5 ? new { payer_client_ip = request.PayerClientIp ?? "127.0.0.1", h5_info = new { type = "Wap" } } : null,
    };

    private async Task<WeChatPayResponse<T>> SendAsync<T>(
        string operation, HttpMethod method, string pathAndQuery, object? body, bool idempotent, CancellationToken ct) where T : class
    {
        var answer = await ExchangeAsync(operation, method, pathAndQuery, body, idempotent, ct);
        return Read<T>(operation, answer.Status, answer.Body, await verifier.RefusalAsync(answer.Headers, answer.Body, ct));
    }

    /// <summary>Signs and sends one request; the answer comes back unverified.</summary>
    private async Task<WeChatPaySignedAnswer> ExchangeAsync(
        string operation, HttpMethod method, string pathAndQuery, object? body, bool idempotent, CancellationToken ct)
    {
        var url = new Uri(endpoint.BaseUrl.TrimEnd('/') + pathAndQuery);
        var json = body is null ? "" : JsonSerializer.Serialize(body, WeChatPayJson.Options);
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var nonce = WeChatPaySignature.NewNonce();
        var signature = WeChatPaySignature.Sign(
            WeChatPaySignature.RequestMessage(method.Method, url.PathAndQuery, timestamp, nonce, json), credentials.MerchantPrivateKey);
        request.Headers.TryAddWithoutValidation("Authorization",
            WeChatPaySignature.Authorization(Settings.MchId!, Settings.MerchantSerialNo!, timestamp, nonce, signature));
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.UserAgent.ParseAdd("LuffyBlazor/1.0");
        request.Options.Set(Idempotent, idempotent);

        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return new((int)response.StatusCode, text,
                WeChatPaySignedHeaders.From(name => response.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null));
        }
        catch (HttpRequestException ex)
        {
            throw new WeChatPayException(operation, $"the API could not be reached ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new WeChatPayException(operation, "the API did not answer in time", ex);
        }
    }

    /// <summary>A success must be signed (otherwise it proves nothing: an exception); an unsigned error is returned as unsigned.</summary>
    internal static WeChatPayResponse<T> Read<T>(string operation, int status, string body, string? refusal) where T : class
    {
        if (status is >= 200 and < 300)
        {
            if (refusal is not null)
            {
                throw new WeChatPayException(operation, $"the answer's signature did not verify ({refusal})");
            }

            try
            {
                var data = string.IsNullOrEmpty(body) ? null : JsonSerializer.Deserialize<T>(body, WeChatPayJson.Options);
                return new(status, data, null);
            }
            catch (JsonException ex)
            {
                throw new WeChatPayException(operation, "the answer is not the JSON expected", ex);
            }
        }

        WeChatPayError? error = null;
        try
        {
            error = string.IsNullOrEmpty(body) ? null : JsonSerializer.Deserialize<WeChatPayError>(body, WeChatPayJson.Options);
        }
        catch (JsonException)
        {
            // Not WeChat's error format (a proxy's page): the code stays unknown.
        }

        error ??= new WeChatPayError(null, $"HTTP {status}");
        if (status >= 500 && error.Code is null)
        {
            error = error with { Code = "SYSTEM_ERROR" };
        }

        return new(status, null, error, IsSigned: refusal is null);
    }
}

/// <summary>
/// Where requests go: <c>WeChatPay:BaseUrl</c>, an absolute URL or a path served by this app itself (the simulator's);
/// empty: WeChat's own API.
/// </summary>
public sealed class WeChatPayEndpoint(IOptions<WeChatPayOptions> options, IServer? server = null)
{
    private string? resolved;

    public const string NotifyPath = "/api/v1/order/wechat/notify/";

    public string BaseUrl => resolved ?? Resolve();

    /// <summary><c>WeChatPay:NotifyUrl</c>, or (Development, where start-up allows it unset) this app's own notify endpoint.</summary>
    public string NotifyUrl => string.IsNullOrWhiteSpace(options.Value.NotifyUrl)
        ? (ServerAddress.Own(server) ?? "http://localhost") + NotifyPath
        : options.Value.NotifyUrl;

    private string Resolve()
    {
        var url = ServerAddress.Resolve(options.Value.BaseUrl, WeChatPayOptions.ProductionBaseUrl, server, out var final);
        return final ? resolved = url : url;
    }
}
