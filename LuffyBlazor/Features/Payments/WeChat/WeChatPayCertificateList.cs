using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>An answer as it came, before anyone believes it: status, body and the four signed headers.</summary>
public sealed record WeChatPaySignedAnswer(int Status, string Body, WeChatPaySignedHeaders Headers);

/// <summary><c>GET /v3/certificates</c>'s body: <c>{"data":[…]}</c>.</summary>
public sealed record WeChatPayCertificateListing(List<WeChatPayCertificateEntry>? Data);

/// <summary>One platform certificate as listed: its serial, when it is in force, and the PEM sealed with the APIv3 key.</summary>
public sealed record WeChatPayCertificateEntry(string? SerialNo, string? EffectiveTime, string? ExpireTime, WeChatPayNotifyResource? EncryptCertificate);

/// <summary>A downloaded platform certificate: decrypted, parsed, its serial checked. Verifies only while in force.</summary>
public sealed record WeChatPayPlatformCertificate(string Serial, DateTimeOffset EffectiveTime, DateTimeOffset ExpireTime, string Pem, RSA Key)
{
    public bool IsInForce(DateTimeOffset now) => EffectiveTime <= now && now < ExpireTime;
}

/// <summary>
/// Opens a <c>/v3/certificates</c> listing: each <c>encrypt_certificate</c> is decrypted (AEAD_AES_256_GCM, the
/// APIv3 key, its nonce and associated_data), parsed as a PEM certificate whose serial must be the <c>serial_no</c>
/// listed, and kept unless already expired. An entry that fails is left out with a log line naming its serial; the
/// others still count (one bad entry must not cost the merchant the certificate WeChat signs with).
/// </summary>
public static class WeChatPayCertificateList
{
    public static List<WeChatPayPlatformCertificate> Open(string body, string apiV3Key, DateTimeOffset now, ILogger log)
    {
        WeChatPayCertificateListing? listing;
        try
        {
            listing = JsonSerializer.Deserialize<WeChatPayCertificateListing>(body, WeChatPayJson.Options);
        }
        catch (JsonException ex)
        {
            throw new WeChatPayException("certificate download", "the answer is not a certificate listing (JSON with data[])", ex);
        }

        var opened = new List<WeChatPayPlatformCertificate>();
        foreach (var entry in listing?.Data ?? [])
        {
            var serial = entry.SerialNo ?? "(no serial_no)";
            if (Refusal(entry, apiV3Key, out var certificate) is { } refusal)
            {
                log.LogError("WeChat Pay platform certificate {Serial} from /v3/certificates refused: {Refusal}", serial, refusal);
            }
            else if (certificate!.ExpireTime <= now)
            {
                log.LogWarning("WeChat Pay platform certificate {Serial} expired at {ExpireTime}: ignored", serial, entry.ExpireTime);
            }
            else
            {
                opened.Add(certificate);
            }
        }

        return opened;
    }

    private static string? Refusal(WeChatPayCertificateEntry entry, string apiV3Key, out WeChatPayPlatformCertificate? certificate)
    {
        certificate = null;
        if (string.IsNullOrWhiteSpace(entry.SerialNo))
        {
            return "no serial_no";
        }

        if (!WeChatPayTime.TryParse(entry.EffectiveTime, out var effective) || !WeChatPayTime.TryParse(entry.ExpireTime, out var expire))
        {
            return $"effective_time '{entry.EffectiveTime}' or expire_time '{entry.ExpireTime}' is not an RFC 3339 time";
        }

        if (entry.EncryptCertificate is not { Algorithm: WeChatPayAead.Algorithm, Ciphertext: { } ciphertext, Nonce: { } nonce } sealedPem)
        {
            return $"encrypt_certificate is missing or not {WeChatPayAead.Algorithm}";
        }

        string pem;
        try
        {
            pem = WeChatPayAead.Decrypt(apiV3Key, nonce, sealedPem.AssociatedData, ciphertext);
        }
        catch (WeChatPayDecryptionException ex)
        {
            return $"encrypt_certificate does not decrypt with the APIv3 key: tampered, or WeChatPay:ApiV3Key is not this merchant's ({ex.Message})";
        }

        try
        {
            using var x509 = X509Certificate2.CreateFromPem(pem);
            if (!string.Equals(x509.SerialNumber, entry.SerialNo.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return $"the certificate's own serial is {x509.SerialNumber}, not the serial_no listed";
            }

            if (x509.GetRSAPublicKey() is not { } key)
            {
                return "not an RSA certificate";
            }

            certificate = new(x509.SerialNumber.ToUpperInvariant(), effective, expire, pem, key);
            return null;
        }
        catch (CryptographicException ex)
        {
            return $"the decrypted text is not a PEM certificate ({ex.Message})";
        }
    }
}
