using System.Globalization;
using System.Security.Cryptography;
using LuffyBlazor.Features.Payments.WeChat;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// The simulated WeChat Pay's side of APIv3: verifies the merchant's <c>WECHATPAY2-SHA256-RSA2048</c> requests with the
/// merchant's public key, and signs its answers and notifies with the platform key under its public key id, or, in
/// certificate mode (<paramref name="certificates"/>), with the platform certificate in force under its serial.
/// </summary>
public sealed class WeChatSimulatorSigner(
    RSA merchantPublicKey, RSA platformPrivateKey, string publicKeyId, string apiV3Key, TimeSpan tolerance, TimeProvider clock,
    WeChatSimulatorCertificates? certificates = null) : IDisposable
{
    public string ApiV3Key => apiV3Key;

    /// <summary>Null when the request's Authorization verifies over its method, path with query, timestamp, nonce and body.</summary>
    public string? Refusal(string method, string pathAndQuery, string? authorization, string body)
    {
        var fields = WeChatPaySignature.ParseAuthorization(authorization);
        if (fields is null || !fields.TryGetValue("timestamp", out var ts) || !fields.TryGetValue("nonce_str", out var nonce)
            || !fields.TryGetValue("signature", out var signature) || !fields.ContainsKey("mchid") || !fields.ContainsKey("serial_no"))
        {
            return "Authorization 缺失或格式错误（应为 WECHATPAY2-SHA256-RSA2048 mchid,nonce_str,signature,timestamp,serial_no）";
        }

        if (!long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799))).Duration() > tolerance)
        {
            return $"timestamp {ts} 与当前时间相差过大";
        }

        return WeChatPaySignature.Verify(WeChatPaySignature.RequestMessage(method, pathAndQuery, seconds, nonce, body), signature, merchantPublicKey)
            ? null
            : "签名错误：请检查商户API私钥";
    }

    /// <summary>The Wechatpay-* headers for <paramref name="body"/>; <paramref name="tamper"/> signs something else (a forged notify).</summary>
    public Dictionary<string, string> SignHeaders(string body, bool tamper = false)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WeChatPaySignature.NewNonce();
        var (key, serial) = certificates?.Signing ?? (platformPrivateKey, publicKeyId);
        var signature = WeChatPaySignature.Sign(WeChatPaySignature.ResponseMessage(timestamp, nonce, tamper ? body + "\n" : body), key);
        return new()
        {
            [WeChatPaySignedHeaders.TimestampHeader] = timestamp,
            [WeChatPaySignedHeaders.NonceHeader] = nonce,
            [WeChatPaySignedHeaders.SignatureHeader] = signature,
            [WeChatPaySignedHeaders.SerialHeader] = serial,
            ["Request-ID"] = Guid.NewGuid().ToString("N"),
        };
    }

    public void Dispose()
    {
        merchantPublicKey.Dispose();
        platformPrivateKey.Dispose();
    }
}
