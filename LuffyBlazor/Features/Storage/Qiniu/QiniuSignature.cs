using System.Security.Cryptography;
using System.Text;

namespace LuffyBlazor.Features.Storage.Qiniu;

/// <summary>
/// Qiniu's credentials, as pure functions: every one is HMAC-SHA1 with the SecretKey, URL-safe base64 (with padding),
/// prefixed by the AccessKey. Checked against Qiniu's published examples and the official Node SDK.
/// <list type="bullet">
/// <item>upload token (上传凭证): <c>AK:sign(encodedPolicy):encodedPolicy</c>;</item>
/// <item>management authorization (管理凭证): <c>QBox AK:sign(path?query\nbody)</c>, or the newer
/// <c>Qiniu AK:sign(METHOD path?query\nHost: h\nContent-Type: t\nX-Qiniu-*: v\n\nbody)</c>;</item>
/// <item>private download URL (下载凭证): <c>url?e=deadline&amp;token=AK:sign(url?e=deadline)</c>.</item>
/// </list>
/// </summary>
public static class QiniuSignature
{
    public const string FormContentType = "application/x-www-form-urlencoded";

    public static string UrlSafeBase64(ReadOnlySpan<byte> data) => Convert.ToBase64String(data).Replace('+', '-').Replace('/', '_');

    public static string UrlSafeBase64(string text) => UrlSafeBase64(Encoding.UTF8.GetBytes(text));

    /// <summary>Decodes URL-safe base64 with or without padding; null when it is not base64.</summary>
    public static byte[]? UrlSafeBase64Decode(string text)
    {
        var standard = text.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + (4 - standard.Length % 4) % 4, '=');
        try
        {
            return Convert.FromBase64String(standard);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary><c>AccessKey:urlsafe_base64(HMAC-SHA1(SecretKey, data))</c>.</summary>
    public static string Sign(string accessKey, string secretKey, string data) =>
        accessKey + ":" + UrlSafeBase64(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secretKey), Encoding.UTF8.GetBytes(data)));

    /// <summary><c>EncodedEntryURI</c>: <c>urlsafe_base64("bucket:key")</c>, how management URLs name a file.</summary>
    public static string EncodedEntry(string bucket, string key) => UrlSafeBase64($"{bucket}:{key}");

    public static string UploadToken(string accessKey, string secretKey, QiniuPutPolicy policy)
    {
        var encodedPolicy = UrlSafeBase64(policy.ToJson());
        return Sign(accessKey, secretKey, encodedPolicy) + ":" + encodedPolicy;
    }

    /// <summary>
    /// Reads an upload token the way Qiniu does: the AccessKey must be <paramref name="accessKey"/>, the signature
    /// must verify (constant time) and the policy must parse. It does not judge the deadline or scope: callers do.
    /// </summary>
    public static QiniuPutPolicy? ReadUploadToken(string? token, string accessKey, string secretKey)
    {
        var parts = token?.Split(':');
        if (parts is not [var ak, var sign, var encodedPolicy] || ak != accessKey)
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(accessKey, secretKey, encodedPolicy));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(ak + ":" + sign)))
        {
            return null;
        }

        return UrlSafeBase64Decode(encodedPolicy) is { } json ? QiniuPutPolicy.Parse(Encoding.UTF8.GetString(json)) : null;
    }

    /// <summary>The legacy management signing string: <c>path?query</c>, a newline, and a form body if any.</summary>
    public static string QBoxSigningString(string pathAndQuery, string? formBody) => pathAndQuery + "\n" + formBody;

    public static string QBoxAuthorization(string accessKey, string secretKey, Uri url, string? formBody) =>
        "QBox " + Sign(accessKey, secretKey, QBoxSigningString(url.PathAndQuery, formBody));

    /// <summary>
    /// The "Qiniu" signing string. <paramref name="host"/> is the Host header as sent (with a non-default port);
    /// headers named <c>X-Qiniu-*</c> are canonicalised (<c>X-Qiniu-Date</c>) and sorted; the body is signed unless
    /// it is <c>application/octet-stream</c>. A missing Content-Type is signed as the form type, as the SDKs do.
    /// </summary>
    public static string QiniuSigningString(
        string method, string pathAndQuery, string host, string? contentType, IEnumerable<KeyValuePair<string, string>> headers, string? body)
    {
        contentType = string.IsNullOrEmpty(contentType) ? FormContentType : contentType;
        var text = new StringBuilder()
            .Append(method.ToUpperInvariant()).Append(' ').Append(pathAndQuery)
            .Append("\nHost: ").Append(host)
            .Append("\nContent-Type: ").Append(contentType);
        var qiniuHeaders = headers
            .Select(h => (Name: CanonicalHeaderName(h.Key), h.Value))
            .Where(h => h.Name.StartsWith("X-Qiniu-", StringComparison.Ordinal) && h.Name.Length > "X-Qiniu-".Length)
            .OrderBy(h => h.Name, StringComparer.Ordinal);
        foreach (var (name, value) in qiniuHeaders)
        {
            text.Append('\n').Append(name).Append(": ").Append(value);
        }

        text.Append("\n\n");
        if (!string.IsNullOrEmpty(body) && contentType != "application/octet-stream")
        {
            text.Append(body);
        }

        return text.ToString();
    }

    public static string QiniuAuthorization(
        string accessKey, string secretKey, string method, Uri url, string? contentType, IEnumerable<KeyValuePair<string, string>> headers, string? body) =>
        "Qiniu " + Sign(accessKey, secretKey, QiniuSigningString(method, url.PathAndQuery, HostOf(url), contentType, headers, body));

    /// <summary>The Host header a client sends for <paramref name="url"/>: the port only when it is not the scheme's default.</summary>
    public static string HostOf(Uri url) => url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";

    /// <summary><c>x-qiniu-date</c> → <c>X-Qiniu-Date</c>, as Go's textproto does (names with other characters stay as they are).</summary>
    public static string CanonicalHeaderName(string name)
    {
        if (name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return name;
        }

        return string.Join('-', name.Split('-').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..].ToLowerInvariant()));
    }

    /// <summary>Signs a download URL (which may already have a query) so that it works until <paramref name="deadline"/>.</summary>
    public static string PrivateDownloadUrl(string accessKey, string secretKey, string url, long deadline)
    {
        var withDeadline = url + (url.Contains('?') ? "&e=" : "?e=") + deadline.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return withDeadline + "&token=" + Sign(accessKey, secretKey, withDeadline);
    }
}
