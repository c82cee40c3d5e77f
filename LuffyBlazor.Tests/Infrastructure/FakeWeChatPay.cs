using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LuffyBlazor.Features.Payments.WeChat;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>A request the fake received: its method, path with query, body and whether its Authorization verified with the merchant's public key.</summary>
public sealed record WeChatPayCall(string Method, string PathAndQuery, string Body, bool SignatureValid, IReadOnlyDictionary<string, string>? Authorization)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>An answer the fake gives: status and body, signed as WeChat signs (or not, or wrongly).</summary>
public sealed record WeChatPayReply(int Status, string Body, bool Sign = true, string Serial = WeChatPayTestKeys.PublicKeyId, bool Tamper = false);

/// <summary>
/// Plays WeChat Pay's API for the app's <see cref="WeChatPayClient"/>: checks each request's signature with the
/// merchant's public key, records it, and answers what the test scripted for its path, signed with "WeChat's" key.
/// Unscripted paths answer 404 RESOURCE_NOT_EXISTS.
/// </summary>
public sealed class FakeWeChatPay : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Func<WeChatPayCall, WeChatPayReply>> routes = new();

    public ConcurrentQueue<WeChatPayCall> Calls { get; } = new();

    /// <summary>Answers requests whose path (without query) ends with <paramref name="pathSuffix"/>.</summary>
    public FakeWeChatPay On(string pathSuffix, Func<WeChatPayCall, WeChatPayReply> reply)
    {
        routes[pathSuffix] = reply;
        return this;
    }

    public FakeWeChatPay On(string pathSuffix, int status, object? body) =>
        On(pathSuffix, _ => new WeChatPayReply(status, body is null ? "" : JsonSerializer.Serialize(body)));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        var auth = WeChatPaySignature.ParseAuthorization(request.Headers.Authorization?.ToString());
        var valid = auth is not null && auth.TryGetValue("timestamp", out var ts) && long.TryParse(ts, out var seconds)
            && WeChatPaySignature.Verify(
                WeChatPaySignature.RequestMessage(request.Method.Method, request.RequestUri!.PathAndQuery, seconds, auth["nonce_str"], body),
                auth["signature"], WeChatPayTestKeys.MerchantPublicKey);
        var call = new WeChatPayCall(request.Method.Method, request.RequestUri!.PathAndQuery, body, valid, auth);
        Calls.Enqueue(call);

        var path = request.RequestUri.AbsolutePath;
        var route = routes.Where(r => path.EndsWith(r.Key, StringComparison.Ordinal)).OrderByDescending(r => r.Key.Length).Select(r => r.Value).FirstOrDefault();
        var reply = !valid
            ? new WeChatPayReply(401, """{"code":"SIGN_ERROR","message":"签名错误"}""")
            : route?.Invoke(call) ?? new WeChatPayReply(404, """{"code":"RESOURCE_NOT_EXISTS","message":"资源不存在"}""");
        return Signed(reply);
    }

    public static HttpResponseMessage Signed(WeChatPayReply reply)
    {
        var response = new HttpResponseMessage((HttpStatusCode)reply.Status)
        {
            Content = new StringContent(reply.Body, Encoding.UTF8, "application/json"),
        };
        if (reply.Sign)
        {
            foreach (var (name, value) in SignHeaders(reply.Body, reply.Serial, DateTimeOffset.UtcNow, reply.Tamper))
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    /// <summary>The four Wechatpay-* headers WeChat sends with <paramref name="body"/>.</summary>
    public static Dictionary<string, string> SignHeaders(string body, string serial, DateTimeOffset at, bool tamper = false)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString();
        var nonce = WeChatPaySignature.NewNonce();
        var signature = WeChatPaySignature.Sign(WeChatPaySignature.ResponseMessage(timestamp, nonce, tamper ? body + " " : body), WeChatPayTestKeys.PlatformPrivateKey);
        return new()
        {
            [WeChatPaySignedHeaders.TimestampHeader] = timestamp,
            [WeChatPaySignedHeaders.NonceHeader] = nonce,
            [WeChatPaySignedHeaders.SignatureHeader] = signature,
            [WeChatPaySignedHeaders.SerialHeader] = serial,
        };
    }

    /// <summary>A transaction as WeChat's query answers it and its notify carries it.</summary>
    public static object Transaction(string outTradeNo, decimal total, string tradeState = "SUCCESS", string? transactionId = null,
        string mchid = WeChatPayTestKeys.MchId, string appid = WeChatPayTestKeys.AppId) => new
    {
        appid,
        mchid,
        out_trade_no = outTradeNo,
        transaction_id = transactionId ?? "42000000002026" + Math.Abs(outTradeNo.GetHashCode()).ToString("D14")[..14],
        trade_type = "NATIVE",
        trade_state = tradeState,
        trade_state_desc = tradeState == "SUCCESS" ? "支付成功" : "未支付",
        success_time = tradeState == "SUCCESS" ? "2026-11-25T16:31:10+08:00" : null,
        payer = new { openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
        amount = new { total = (long)(total * 100), payer_total = (long)(total * 100), currency = "CNY", payer_currency = "CNY" },
    };

    /// <summary>A notify's body: the envelope with <paramref name="resource"/> encrypted with the APIv3 key.</summary>
    public static string NotifyBody(object resource, string eventType = "TRANSACTION.SUCCESS", string apiV3Key = WeChatPayTestKeys.ApiV3Key)
    {
        var nonce = WeChatPaySignature.NewNonce()[..12];
        var originalType = eventType.StartsWith("REFUND.", StringComparison.Ordinal) ? "refund" : "transaction";
        return JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(),
            create_time = "2026-11-25T16:31:11+08:00",
            resource_type = "encrypt-resource",
            event_type = eventType,
            summary = originalType == "refund" ? "退款成功" : "支付成功",
            resource = new
            {
                original_type = originalType,
                algorithm = "AEAD_AES_256_GCM",
                ciphertext = WeChatPayAead.Encrypt(apiV3Key, nonce, originalType, JsonSerializer.Serialize(resource)),
                associated_data = originalType,
                nonce,
            },
        });
    }

    /// <summary>A signed notify request for the app's endpoint.</summary>
    public static HttpRequestMessage NotifyRequest(string body, DateTimeOffset? at = null, string serial = WeChatPayTestKeys.PublicKeyId, bool tamper = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/order/wechat/notify/")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in SignHeaders(body, serial, at ?? DateTimeOffset.UtcNow, tamper))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
