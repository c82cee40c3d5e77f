using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>The four headers WeChat signs its answers and notifies with.</summary>
public sealed record WeChatPaySignedHeaders(string? Timestamp, string? Nonce, string? Signature, string? Serial)
{
    public const string TimestampHeader = "Wechatpay-Timestamp";
    public const string NonceHeader = "Wechatpay-Nonce";
    public const string SignatureHeader = "Wechatpay-Signature";
    public const string SerialHeader = "Wechatpay-Serial";

    public static WeChatPaySignedHeaders From(Func<string, string?> header) =>
        new(header(TimestampHeader), header(NonceHeader), header(SignatureHeader), header(SerialHeader));

    public static WeChatPaySignedHeaders From(IDictionary<string, StringValues> headers) =>
        From(name => headers.TryGetValue(name, out var value) && value.Count == 1 ? value.ToString() : null);
}

/// <summary>
/// Checks what WeChat signed: the serial names a key we hold (public key id or platform certificate), the timestamp is
/// within <see cref="MaxClockSkew"/> of ours (an old message replayed is refused), and the signature verifies over
/// timestamp, nonce and body. WeChat also sends probes signed <c>WECHATPAY/SIGNTEST/…</c> to see that merchants do
/// verify: those fail here like any forged signature.
/// </summary>
public sealed class WeChatPayVerifier(WeChatPayCredentials credentials, TimeProvider clock)
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Null when it verifies, otherwise why not.</summary>
    public string? Refusal(WeChatPaySignedHeaders headers, string body)
    {
        if (string.IsNullOrEmpty(headers.Timestamp) || string.IsNullOrEmpty(headers.Nonce)
            || string.IsNullOrEmpty(headers.Signature) || string.IsNullOrEmpty(headers.Serial))
        {
            return "missing Wechatpay-Timestamp, -Nonce, -Signature or -Serial header";
        }

        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return $"Wechatpay-Timestamp {headers.Timestamp} is not a Unix time";
        }

        var skew = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if (skew.Duration() > MaxClockSkew)
        {
            return $"Wechatpay-Timestamp {headers.Timestamp} is {(int)skew.Duration().TotalSeconds}s away from our clock (more than {(int)MaxClockSkew.TotalSeconds}s): stale or replayed";
        }

        if (credentials.PlatformKey(headers.Serial) is not { } key)
        {
            return $"Wechatpay-Serial {headers.Serial} names no key we hold (have: {string.Join(", ", credentials.PlatformKeys.Keys)})";
        }

        return WeChatPaySignature.Verify(WeChatPaySignature.ResponseMessage(headers.Timestamp, headers.Nonce, body), headers.Signature, key)
            ? null
            : "Wechatpay-Signature does not verify";
    }
}
