using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Qiniu;

/// <summary>
/// A bucket's upload hosts, in the order to try them, as the official SDKs find them: Qiniu's region query
/// (<c>GET /v4/query?ak=&amp;bucket=</c> on <c>uc.qiniuapi.com</c>, then its backup hosts) answers the bucket's region
/// with its upload domains and a TTL, kept that long. When no query host answers, the region's static hosts are used
/// (for a minute, then the query is asked again). <see cref="QiniuOptions.UploadHost"/>, when set, is the only host.
/// </summary>
public sealed class QiniuRegions(IHttpClientFactory httpFactory, IOptions<QiniuOptions> options, TimeProvider clock, ILogger<QiniuRegions> logger)
{
    private static readonly TimeSpan FallbackLifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (IReadOnlyList<Uri> Hosts, DateTimeOffset Until)> cache = new();

    private QiniuOptions Options => options.Value;

    public async Task<IReadOnlyList<Uri>> UploadHostsAsync(string bucket, CancellationToken ct = default)
    {
        if (!string.IsNullOrWhiteSpace(Options.UploadHost))
        {
            return Options.StaticUploadHosts;
        }

        if (cache.TryGetValue(bucket, out var cached) && cached.Until > clock.GetUtcNow())
        {
            return cached.Hosts;
        }

        foreach (var uc in Options.UcHosts)
        {
            try
            {
                var (hosts, ttl) = await QueryAsync(uc, bucket, ct);
                if (hosts.Count > 0)
                {
                    cache[bucket] = (hosts, clock.GetUtcNow().Add(ttl));
                    return hosts;
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning("Qiniu region query on {Host} failed: {Reason}", uc.Host, ex.Message);
            }
        }

        ct.ThrowIfCancellationRequested();
        logger.LogWarning("No Qiniu region query host answered for bucket {Bucket}; using region {Region}'s static upload hosts", bucket, Options.Region);
        cache[bucket] = (Options.StaticUploadHosts, clock.GetUtcNow().Add(FallbackLifetime));
        return Options.StaticUploadHosts;
    }

    private async Task<(IReadOnlyList<Uri> Hosts, TimeSpan Ttl)> QueryAsync(Uri uc, string bucket, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var url = new Uri(uc, $"v4/query?ak={Uri.EscapeDataString(Options.AccessKey)}&bucket={Uri.EscapeDataString(bucket)}");
        using var response = await httpFactory.CreateClient(QiniuClient.HttpClientName).GetAsync(url, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
        var region = document.RootElement.GetProperty("hosts")[0];
        var up = region.GetProperty("up");
        var hosts = new List<Uri>();
        // Accelerated domains first when the bucket has them, then the ordinary ones; "old" domains are not used.
        foreach (var list in new[] { "acc_domains", "domains" })
        {
            if (up.TryGetProperty(list, out var domains) && domains.ValueKind == JsonValueKind.Array)
            {
                hosts.AddRange(domains.EnumerateArray().Select(d => d.GetString()).OfType<string>().Select(ToUri));
            }
        }

        var ttl = region.TryGetProperty("ttl", out var t) && t.TryGetInt32(out var seconds) && seconds > 0 ? seconds : 86400;
        return (hosts.Distinct().ToList(), TimeSpan.FromSeconds(ttl));
    }

    private Uri ToUri(string domain) =>
        new(domain.Contains("://", StringComparison.Ordinal) ? domain.TrimEnd('/') + "/" : $"{Options.Scheme}://{domain.TrimEnd('/')}/");
}
