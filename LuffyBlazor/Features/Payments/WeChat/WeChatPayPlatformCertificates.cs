using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>
/// The platform certificates downloaded from <c>GET /v3/certificates</c> (<c>WeChatPay:DownloadPlatformCertificates</c>),
/// by serial. A download replaces the set only when it verifies: its own signature must check out with a configured
/// key, a certificate already held, or one it brings (the official SDKs' bootstrap rule: the certificates are sealed
/// with the APIv3 key, so only WeChat can have listed them). Downloads run one at a time; those asked for by an unknown
/// <c>Wechatpay-Serial</c> run at most once per <see cref="MinRefreshGap"/>, so forged serials cannot flood WeChat
/// (the periodic refresh does not count: a new certificate listed just after it must not wait).
/// </summary>
public sealed class WeChatPayPlatformCertificates(
    Func<CancellationToken, Task<WeChatPaySignedAnswer>> download, WeChatPayCredentials configured, IOptions<WeChatPayOptions> options,
    TimeProvider clock, ILogger<WeChatPayPlatformCertificates> log)
{
    public static readonly TimeSpan MinRefreshGap = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim gate = new(1, 1);

    // Replaced whole, never changed in place: readers need no lock. Replaced keys are not disposed, since a
    // verification may still be using one; the garbage collector releases them.
    private volatile IReadOnlyDictionary<string, WeChatPayPlatformCertificate> held =
        new Dictionary<string, WeChatPayPlatformCertificate>(StringComparer.OrdinalIgnoreCase);

    private DateTimeOffset? lastOnDemand;

    public bool Enabled => options.Value.DownloadPlatformCertificates;

    public IReadOnlyCollection<WeChatPayPlatformCertificate> Held => held.Values.ToList();

    /// <summary>How many downloads were attempted (for the operator's view and tests).</summary>
    public int Downloads { get; private set; }

    /// <summary>The last download's time and outcome (null before the first), for the operator's view.</summary>
    public WeChatPayCertificateDownload? LastDownload { get; private set; }

    /// <summary>The key of the downloaded certificate <paramref name="serial"/>, while it is in force.</summary>
    public RSA? Key(string serial) =>
        held.TryGetValue(serial.Trim(), out var certificate) && certificate.IsInForce(clock.GetUtcNow()) ? certificate.Key : null;

    /// <summary>The periodic refresh: downloads now (after any download running). False when it failed (logged).</summary>
    public async Task<bool> RefreshAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            return await DownloadAsync(ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// An answer or notify named <paramref name="serial"/>, which no key verifies: downloads again unless a download
    /// ran less than <see cref="MinRefreshGap"/> ago (callers arriving together share one). True when it is now held.
    /// </summary>
    public async Task<bool> RefreshForAsync(string serial, CancellationToken ct)
    {
        if (!Enabled)
        {
            return false;
        }

        await gate.WaitAsync(ct);
        try
        {
            if (Key(serial) is not null)
            {
                return true;
            }

            if (lastOnDemand is { } last && clock.GetUtcNow() - last < MinRefreshGap)
            {
                log.LogWarning("WeChat Pay serial {Serial} is unknown; platform certificates were downloaded for an unknown serial at {Last}, not again before a minute has passed", serial, last);
                return false;
            }

            lastOnDemand = clock.GetUtcNow();
            log.LogInformation("WeChat Pay serial {Serial} is unknown: downloading the platform certificates again", serial);
            return await DownloadAsync(ct) && Key(serial) is not null;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<bool> DownloadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Downloads++;
        try
        {
            var answer = await download(ct);
            if (answer.Status != 200)
            {
                throw new WeChatPayException("certificate download", $"HTTP {answer.Status}: {answer.Body}");
            }

            var fresh = WeChatPayCertificateList.Open(answer.Body, options.Value.ApiV3Key!, now, log)
                .ToDictionary(c => c.Serial, StringComparer.OrdinalIgnoreCase);
            var refusal = WeChatPayVerifier.Check(answer.Headers, answer.Body, now,
                serial => configured.PlatformKey(serial)
                    ?? (fresh.TryGetValue(serial, out var brought) && brought.IsInForce(now) ? brought.Key : null)
                    ?? Key(serial), out _);
            if (refusal is not null)
            {
                throw new WeChatPayException("certificate download", $"the answer's signature did not verify ({refusal})");
            }

            if (fresh.Count == 0)
            {
                throw new WeChatPayException("certificate download", "no usable certificate in the listing");
            }

            held = fresh;
            LastDownload = new WeChatPayCertificateDownload(now, null);
            log.LogInformation("WeChat Pay platform certificates downloaded: {Serials}",
                string.Join(", ", fresh.Values.Select(c => $"{c.Serial} ({WeChatPayTime.Format(c.EffectiveTime)} – {WeChatPayTime.Format(c.ExpireTime)})")));
            return true;
        }
        catch (WeChatPayException ex)
        {
            LastDownload = new WeChatPayCertificateDownload(now, ex.Message);
            log.LogError("WeChat Pay platform certificate download refused, keeping the {Count} certificates held: {Reason}", held.Count, ex.Message);
            return false;
        }
    }
}

/// <summary>One download of the platform certificates: when, and why it was refused (null when it was taken).</summary>
public sealed record WeChatPayCertificateDownload(DateTimeOffset At, string? Refusal)
{
    public bool Succeeded => Refusal is null;
}
