using System.Globalization;
using System.Security.Cryptography;
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
/// Checks what WeChat signed: the serial names a key we hold (public key id, configured platform certificate, or a
/// downloaded one), the timestamp is within <see cref="MaxClockSkew"/> of ours (an old message replayed is refused),
/// and the signature verifies over timestamp, nonce and body. WeChat also sends probes signed
/// <c>WECHATPAY/SIGNTEST/…</c> to see that merchants do verify: those fail here like any forged signature.
/// </summary>
public sealed class WeChatPayVerifier(WeChatPayCredentials credentials, TimeProvider clock, WeChatPayPlatformCertificates? downloaded = null)
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Null when it verifies with a key held now, otherwise why not.</summary>
    public string? Refusal(WeChatPaySignedHeaders headers, string body)
    {
        var refusal = Check(headers, body, clock.GetUtcNow(), Key, out var unknownSerial);
        return unknownSerial ? $"{refusal} (have: {string.Join(", ", Serials())})" : refusal;
    }

    /// <summary>
    /// As <see cref="Refusal"/>, but a serial no key verifies (a platform certificate rotation) first downloads the
    /// certificates again when <c>WeChatPay:DownloadPlatformCertificates</c> is on, then checks once more.
    /// </summary>
    public async Task<string?> RefusalAsync(WeChatPaySignedHeaders headers, string body, CancellationToken ct = default)
    {
        if (Check(headers, body, clock.GetUtcNow(), Key, out var unknownSerial) is not null && unknownSerial && downloaded is { Enabled: true })
        {
            await downloaded.RefreshForAsync(headers.Serial!, ct);
        }

        return Refusal(headers, body);
    }

    /// <summary>
    /// The whole check against the keys <paramref name="keyOf"/> finds by serial; null when it verifies.
    /// <paramref name="unknownSerial"/>: refused only because no key has that serial.
    /// </summary>
    public static string? Check(WeChatPaySignedHeaders headers, string body, DateTimeOffset now, Func<string, RSA?> keyOf, out bool unknownSerial)
    {
        unknownSerial = false;
        if (string.IsNullOrEmpty(headers.Timestamp) || string.IsNullOrEmpty(headers.Nonce)
            || string.IsNullOrEmpty(headers.Signature) || string.IsNullOrEmpty(headers.Serial))
        {
            return "missing Wechatpay-Timestamp, -Nonce, -Signature or -Serial header";
        }

        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return $"Wechatpay-Timestamp {headers.Timestamp} is not a Unix time";
        }

        var skew = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if (skew.Duration() > MaxClockSkew)
        {
            return $"Wechatpay-Timestamp {headers.Timestamp} is {(int)skew.Duration().TotalSeconds}s away from our clock (more than {(int)MaxClockSkew.TotalSeconds}s): stale or replayed";
        }

        if (keyOf(headers.Serial.Trim()) is not { } key)
        {
            unknownSerial = true;
            return $"Wechatpay-Serial {headers.Serial} names no key we hold";
        }

        return WeChatPaySignature.Verify(WeChatPaySignature.ResponseMessage(headers.Timestamp, headers.Nonce, body), headers.Signature, key)
            ? null
            : "Wechatpay-Signature does not verify";
    }

    private RSA? Key(string serial) => credentials.PlatformKey(serial) ?? downloaded?.Key(serial);

    private IEnumerable<string> Serials() =>
        credentials.PlatformKeys.Keys.Concat(downloaded?.Held.Select(c => c.Serial) ?? []);
}
