using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary><c>sign_type</c>: RSA2 is SHA256withRSA; RSA is the legacy SHA1withRSA of old accounts.</summary>
public enum AlipaySignType
{
    RSA2,
    RSA,
}

/// <summary>
/// Alipay's signature scheme, as a small pure utility: the sign string and RSA PKCS#1 v1.5 signatures over it.
/// The only place in the app that builds a sign string. Thread-safe: it holds no state, and an imported
/// <see cref="RSA"/> key may be shared by concurrent callers (OpenSSL and CNG keys are not mutated by
/// signing or verifying).
/// </summary>
public static class AlipaySignature
{
    /// <summary>
    /// The sign string of a request: every parameter except <c>sign</c> (and <c>sign_type</c> unless
    /// <paramref name="keepSignType"/>), empty values dropped, keys sorted ordinally, <c>key=value</c> joined by
    /// <c>&amp;</c>, values as they are (not URL-encoded).
    /// </summary>
    public static string BuildSignContent(IEnumerable<KeyValuePair<string, string>> parameters, bool keepSignType) =>
        Build(parameters, keepSignType, keepEmptyValues: false);

    /// <summary>
    /// The sign string of what Alipay sends back (the async notify, the return query): as
    /// <see cref="BuildSignContent"/>, but an empty value is signed as <c>key=</c>. Every official SDK verifies callbacks
    /// so (Java's <c>getSignCheckContentV1/V2</c>, python-alipay-sdk's <c>verify</c>, Node's <c>checkNotifySign</c>),
    /// hence Alipay signs them so: a notify with <c>passback_params=</c> verifies only with it in.
    /// </summary>
    public static string BuildCallbackSignContent(IEnumerable<KeyValuePair<string, string>> parameters, bool keepSignType) =>
        Build(parameters, keepSignType, keepEmptyValues: true);

    private static string Build(IEnumerable<KeyValuePair<string, string>> parameters, bool keepSignType, bool keepEmptyValues)
    {
        var pairs = new List<KeyValuePair<string, string>>(32);
        var length = 0;
        foreach (var (key, value) in parameters)
        {
            if (string.IsNullOrEmpty(key) || (string.IsNullOrEmpty(value) && !keepEmptyValues) || key == "sign" || (!keepSignType && key == "sign_type"))
            {
                continue;
            }

            pairs.Add(KeyValuePair.Create(key, value ?? ""));
            length += key.Length + (value?.Length ?? 0) + 2;
        }

        if (pairs.Count == 0)
        {
            return "";
        }

        pairs.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return string.Create(length - 1, pairs, static (span, sorted) =>
        {
            var at = 0;
            for (var i = 0; i < sorted.Count; i++)
            {
                if (i > 0)
                {
                    span[at++] = '&';
                }

                var (key, value) = sorted[i];
                key.CopyTo(span[at..]);
                at += key.Length;
                span[at++] = '=';
                value.CopyTo(span[at..]);
                at += value.Length;
            }
        });
    }

    /// <summary>The base64 signature of <paramref name="content"/> (UTF-8) with the private key.</summary>
    public static string Sign(string content, RSA privateKey, AlipaySignType type = AlipaySignType.RSA2)
    {
        byte[]? rentedData = null;
        byte[]? rentedSignature = null;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(content.Length);
        var data = maxBytes <= 2048 ? stackalloc byte[2048] : (rentedData = ArrayPool<byte>.Shared.Rent(maxBytes));
        var signatureSize = (privateKey.KeySize + 7) / 8;
        var signature = signatureSize <= 512 ? stackalloc byte[512] : (rentedSignature = ArrayPool<byte>.Shared.Rent(signatureSize));
        try
        {
            var length = Encoding.UTF8.GetBytes(content, data);
            if (!privateKey.TrySignData(data[..length], signature, HashOf(type), RSASignaturePadding.Pkcs1, out var written))
            {
                throw new CryptographicException("The signature did not fit its buffer.");
            }

            return Convert.ToBase64String(signature[..written]);
        }
        finally
        {
            Return(rentedData);
            Return(rentedSignature);
        }
    }

    /// <summary>
    /// True when <paramref name="signature"/> (base64) is the public key holder's signature of
    /// <paramref name="content"/>. Malformed input is simply not a valid signature: this never throws for it.
    /// </summary>
    public static bool Verify(string content, string? signature, RSA publicKey, AlipaySignType type = AlipaySignType.RSA2)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length > 2048)
        {
            return false;
        }

        byte[]? rentedData = null;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(content.Length);
        var data = maxBytes <= 2048 ? stackalloc byte[2048] : (rentedData = ArrayPool<byte>.Shared.Rent(maxBytes));
        Span<byte> decoded = stackalloc byte[1536];
        try
        {
            if (!Convert.TryFromBase64String(signature, decoded, out var signatureLength))
            {
                return false;
            }

            var length = Encoding.UTF8.GetBytes(content, data);
            return publicKey.VerifyData(data[..length], decoded[..signatureLength], HashOf(type), RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            Return(rentedData);
        }
    }

    /// <summary>Reads a <c>sign_type</c> value; null or empty means the account's default.</summary>
    public static bool TryParseSignType(string? text, out AlipaySignType type)
    {
        switch (text)
        {
            case "RSA2":
                type = AlipaySignType.RSA2;
                return true;
            case "RSA":
                type = AlipaySignType.RSA;
                return true;
            default:
                type = default;
                return false;
        }
    }

    private static HashAlgorithmName HashOf(AlipaySignType type) => type switch
    {
        AlipaySignType.RSA2 => HashAlgorithmName.SHA256,
        AlipaySignType.RSA => HashAlgorithmName.SHA1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown Alipay sign type."),
    };

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
