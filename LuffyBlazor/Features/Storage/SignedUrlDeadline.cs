namespace LuffyBlazor.Features.Storage;

/// <summary>
/// The expiry of a signed URL, as Unix seconds. It is rounded up to the next five minutes, so that the same file asked
/// for again within those minutes gets the same URL and browsers and CDNs can cache it.
/// </summary>
public static class SignedUrlDeadline
{
    public const long Granularity = 300;

    public static long From(DateTimeOffset now, TimeSpan lifetime)
    {
        var earliest = now.Add(lifetime).ToUnixTimeSeconds();
        return (earliest + Granularity - 1) / Granularity * Granularity;
    }
}
