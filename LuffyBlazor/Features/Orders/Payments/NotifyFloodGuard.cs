using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.RateLimiting;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders.Payments;

/// <summary>Section <c>RateLimiting:Notify</c>: how many unverifiable notifies an address may leave in the notify log one by one.</summary>
public sealed class NotifyFloodOptions
{
    public const string Section = "RateLimiting:Notify";

    [Range(1, 1_000_000, ErrorMessage = "RateLimiting:Notify:PermitLimit must be between 1 and 1000000.")]
    public int PermitLimit { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the counted ones are written.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Keeps the notify endpoint from being used to flood the notify log. Only notifies that could not be verified (bad
/// signature, not a form...) pass through here, and only their <em>logging</em> is limited: verification comes first
/// (cheap), so a genuine notify is never refused by a limit, and verified ones are always logged in full. Per client
/// address (an IPv6 address by its /64), the first <see cref="NotifyFloodOptions.PermitLimit"/> per window are logged
/// one row each; the rest are counted, in memory, into one row per address, reason and minute (with
/// <see cref="NotifyLog.Count"/>), written every <see cref="NotifyFloodOptions.FlushInterval"/> and at shutdown. The
/// limiter is the one ASP.NET Core's rate limiting is built on, partitioned by address as the log-in limit is; it is
/// not the middleware, which would refuse before the signature is known.
/// </summary>
public sealed class NotifyFloodGuard(
    NotifyLogWriter log, IDbContextFactory<LuffyDbContext> dbFactory, IOptions<NotifyFloodOptions> options, TimeProvider clock,
    ILogger<NotifyFloodGuard> logger) : BackgroundService
{
    /// <summary>Distinct reasons kept apart per address and minute; more (a reason can quote what was sent) share one row.</summary>
    public const int MaxReasonsPerAddress = 5;

    /// <summary>Aggregates held at most; beyond, further addresses share one row (a flood from very many addresses).</summary>
    public const int MaxAggregates = 10_000;

    private const string OtherReasons = "(other reasons)";
    private const string OtherAddresses = "(other addresses)";

    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PermitLimit,
            Window = options.Value.Window,
            QueueLimit = 0,
        }));

    private readonly ConcurrentDictionary<Key, Aggregate> aggregates = new();
    private readonly SemaphoreSlim flushing = new(1, 1);
    private volatile bool disposed;

    /// <summary>True when this unverifiable notify may be logged in full; false when it is to be <see cref="Count"/>ed.</summary>
    public bool Admits(string? remoteIp)
    {
        using var lease = limiter.AttemptAcquire(Partition(remoteIp));
        return lease.IsAcquired;
    }

    /// <summary>Counts an unverifiable notify the limit did not admit, into its address's row for this minute.</summary>
    public void Count(string? remoteIp, string reason, IReadOnlyList<KeyValuePair<string, string>> parameters, string? provider = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var minute = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var address = aggregates.Count < MaxAggregates ? Partition(remoteIp) : OtherAddresses;
        reason = reason.Length <= 200 ? reason : reason[..200];
        if (!aggregates.ContainsKey(new Key(address, reason, minute))
            && aggregates.Keys.Count(k => k.Address == address && k.Minute == minute) >= MaxReasonsPerAddress)
        {
            reason = OtherReasons;
        }

        var aggregate = aggregates.GetOrAdd(new Key(address, reason, minute), key =>
        {
            logger.LogWarning("Unverifiable notifies from {Address} beyond {Limit} per {Window} are counted, not logged one by one ({Reason})",
                key.Address, options.Value.PermitLimit, options.Value.Window, key.Reason);
            return new Aggregate(now, Sample(parameters), provider);
        });
        Interlocked.Increment(ref aggregate.Pending);
    }

    /// <summary>Writes what was counted since the last flush: a new row per aggregate, or its row's count raised.</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        await flushing.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (key, aggregate) in aggregates)
            {
                var pending = Interlocked.Exchange(ref aggregate.Pending, 0);
                if (pending > 0)
                {
                    try
                    {
                        await WriteAsync(key, aggregate, pending, ct);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        Interlocked.Add(ref aggregate.Pending, pending); // kept for the next flush
                        logger.LogError(ex, "Could not write {Count} counted notifies from {Address}", pending, key.Address);
                    }
                }
                else if (now - key.Minute > TimeSpan.FromMinutes(2))
                {
                    aggregates.TryRemove(key, out _); // its minute is long over, and all of it is written
                }
            }
        }
        finally
        {
            flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (disposed)
        {
            return; // a host stopped again after its services were disposed: all was written the first time
        }

        await FlushAsync(CancellationToken.None); // what was counted is written, not dropped
    }

    // The semaphore is left to the collector (it never made a wait handle): a host stopped a second time, after its
    // services were disposed, calls StopAsync again.
    public override void Dispose()
    {
        disposed = true;
        limiter.Dispose();
        base.Dispose();
    }

    private async Task WriteAsync(Key key, Aggregate aggregate, int pending, CancellationToken ct)
    {
        if (aggregate.RowId is { } id)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.NotifyLogs.Where(n => n.Id == id).ExecuteUpdateAsync(s => s.SetProperty(n => n.Count, n => n.Count + pending), ct);
            return;
        }

        var row = new NotifyLog
        {
            ReceivedAt = aggregate.FirstAt,
            Verdict = NotifyVerdict.Rejected,
            Reason = $"rate limited, counted: {key.Reason}",
            RawParameters = aggregate.Sample,
            RemoteIp = key.Address,
            Provider = aggregate.Provider,
            Count = pending,
        };
        await log.WriteAsync(row, ct);
        aggregate.RowId = row.Id;
    }

    /// <summary>The address a limit applies to: an IPv4 address, or an IPv6 address's /64 (what one host is usually given).</summary>
    public static string Partition(string? remoteIp)
    {
        if (!IPAddress.TryParse(remoteIp, out var address))
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string Sample(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var json = JsonSerializer.Serialize(parameters.DistinctBy(p => p.Key).Take(50)
            .ToDictionary(p => p.Key, p => p.Value.Length <= 256 ? p.Value : p.Value[..256], StringComparer.Ordinal));
        return json.Length <= 4_000 ? json : "{}";
    }

    private readonly record struct Key(string Address, string Reason, DateTime Minute);

    private sealed class Aggregate(DateTime firstAt, string sample, string? provider)
    {
        /// <summary>The provider whose endpoint the first counted notify reached (the address's later ones usually the same).</summary>
        public string? Provider { get; } = provider;

        public int Pending;

        public DateTime FirstAt { get; } = firstAt;
        public string Sample { get; } = sample;
        public long? RowId { get; set; }
    }
}
