using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LuffyBlazor.Features.Storage;

/// <summary>
/// The app's own signed media URLs, for the stores whose files the app serves itself (Local, FastDFS):
/// <c>/media/private/videos/x.webm?e=&lt;deadline&gt;&amp;token=&lt;HMAC-SHA256(key \n deadline)&gt;</c>, the same shape as
/// Qiniu's. Deadlines are rounded up (<see cref="SignedUrlDeadline"/>) so a page asked for again gets the same URL.
/// </summary>
public sealed class SignedMediaUrls(string requestPath, string signingKey, TimeProvider clock)
{
    private readonly byte[] key = Encoding.UTF8.GetBytes(signingKey);

    public string RequestPath { get; } = requestPath.TrimEnd('/');

    public string PublicUrl(string mediaKey) => $"{RequestPath}/{StorageKeys.Require(mediaKey)}";

    public string PrivateUrl(string mediaKey, TimeSpan lifetime)
    {
        var deadline = SignedUrlDeadline.From(clock.GetUtcNow(), lifetime);
        return $"{PublicUrl(mediaKey)}?e={deadline}&token={Sign(mediaKey, deadline)}";
    }

    /// <summary>
    /// True when <paramref name="token"/> is this app's signature of the key and deadline and the deadline has not
    /// passed. Compared in constant time.
    /// </summary>
    public bool IsValid(string mediaKey, string? deadline, string? token)
    {
        if (!long.TryParse(deadline, NumberStyles.None, CultureInfo.InvariantCulture, out var e)
            || string.IsNullOrEmpty(token) || e < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(mediaKey, e)), Encoding.ASCII.GetBytes(token));
    }

    /// <summary>Seconds until a (valid) signed URL's deadline: how long a browser may cache what it serves.</summary>
    public long SecondsLeft(string deadline) =>
        Math.Max(0, long.Parse(deadline, CultureInfo.InvariantCulture) - clock.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>The key a request path names under <see cref="RequestPath"/>, or null.</summary>
    public string? KeyOf(PathString path) =>
        path.StartsWithSegments(RequestPath, out var rest) && rest.HasValue && StorageKeys.IsValid(rest.Value![1..]) ? rest.Value[1..] : null;

    private string Sign(string mediaKey, long deadline)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{mediaKey}\n{deadline}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
