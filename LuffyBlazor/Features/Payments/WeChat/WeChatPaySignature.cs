using System.Security.Cryptography;
using System.Text;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>
/// WeChat Pay APIv3's signatures (<c>WECHATPAY2-SHA256-RSA2048</c>): SHA256withRSA, PKCS#1 v1.5, base64, over lines
/// that each end with <c>\n</c>. A request signs method, path with query, timestamp, nonce and body; a response or
/// notify is signed by WeChat over the <c>Wechatpay-Timestamp</c> and <c>Wechatpay-Nonce</c> headers and the body.
/// Pure functions: the one place in the app that builds these strings.
/// </summary>
public static class WeChatPaySignature
{
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    private const string NonceAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>"POST\n/v3/pay/transactions/native\n1554208460\nnonce\n{body}\n" (a GET's body is empty, its line still ends).</summary>
    public static string RequestMessage(string method, string pathAndQuery, long timestamp, string nonce, string body) =>
        $"{method.ToUpperInvariant()}\n{pathAndQuery}\n{timestamp}\n{nonce}\n{body}\n";

    /// <summary>"1554209980\nnonce\n{body}\n": what WeChat signs in an answer or a notify (an empty body for a 204).</summary>
    public static string ResponseMessage(string timestamp, string nonce, string body) => $"{timestamp}\n{nonce}\n{body}\n";

    public static string Sign(string message, RSA privateKey) =>
        Convert.ToBase64String(privateKey.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(string message, string? signature, RSA publicKey)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var bytes = new byte[signature.Length];
        return Convert.TryFromBase64String(signature, bytes, out var length)
            && publicKey.VerifyData(Encoding.UTF8.GetBytes(message), bytes.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>The <c>Authorization</c> header's value for a signed request.</summary>
    public static string Authorization(string mchId, string serialNo, long timestamp, string nonce, string signature) =>
        $"{Scheme} mchid=\"{mchId}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{serialNo}\"";

    /// <summary>Reads an <c>Authorization</c> header back into its fields (the simulator checks requests with it); null when it is not APIv3's.</summary>
    public static IReadOnlyDictionary<string, string>? ParseAuthorization(string? header)
    {
        if (header is null || !header.StartsWith(Scheme + " ", StringComparison.Ordinal))
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header[(Scheme.Length + 1)..].Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                return null;
            }

            fields[part[..eq].Trim()] = part[(eq + 1)..].Trim().Trim('"');
        }

        return fields;
    }

    /// <summary>32 random letters and digits.</summary>
    public static string NewNonce() => RandomNumberGenerator.GetString(NonceAlphabet, 32);
}
