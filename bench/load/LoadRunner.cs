using System.Diagnostics;
using System.Globalization;

namespace LuffyBlazor.Load;

/// <summary>What a scenario measured: throughput, latency percentiles and failures, and which client sent it.</summary>
public sealed record LoadResult(string Name, int Requests, int Errors, TimeSpan Elapsed, double P50, double P95, double P99)
{
    /// <summary>The app's CPU time per request: what one request costs, whatever else the machine is doing.</summary>
    public double AppCpuMicrosecondsPerRequest { get; init; }

    /// <summary>
    /// The client's own CPU time per request (the load tool's process, or the Node client's): both share the app's
    /// cores, so what the client spends is taken from the app. 0 where it was not measured.
    /// </summary>
    public double ClientCpuMicrosecondsPerRequest { get; init; }

    /// <summary>"dotnet" (this tool's HttpClient), "node" or "node-http" (bench/peer/storm.mjs, the independent client, on raw sockets or on node:http).</summary>
    public string Client { get; init; } = "dotnet";

    public double PerSecond => Requests / Elapsed.TotalSeconds;

    /// <summary>From every latency (any order).</summary>
    public static LoadResult FromLatencies(string name, int errors, TimeSpan elapsed, IEnumerable<double> latenciesMs)
    {
        var sorted = latenciesMs.Order().ToArray();
        return new LoadResult(name, sorted.Length, errors, elapsed, Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99));
    }

    /// <summary>Nearest-rank percentile, as bench/peer/storm.mjs computes it.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public const string Header = "| scenario | settings | start | client | requests | errors | req/s | p50 ms | p95 ms | p99 ms | app CPU µs/request | client CPU µs/request | target |\n"
        + "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|";

    /// <summary>A table row; every scenario's target includes p99 under 50 ms, some also a rate (0: none).</summary>
    public string Row(double targetPerSecond, string settings, string start)
    {
        var met = PerSecond >= targetPerSecond && P99 < 50 && Errors == 0;
        var target = (targetPerSecond > 0 ? $"≥ {targetPerSecond:N0}/s, " : "") + "p99 < 50 ms" + (met ? " ✓" : " ✗");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {settings} | {start} | {Client} | {Requests:N0} | {Errors} | {PerSecond:N0} | {P50:0.0} | {P95:0.0} | {P99:0.0} | {AppCpuMicrosecondsPerRequest:N0} | {ClientCpuMicrosecondsPerRequest:N0} | {target} |");
    }
}

/// <summary>
/// Sends requests from a fixed number of concurrent workers on loopback and records each one's latency. Bounded by
/// a request list or a duration: every scenario stops by itself.
/// </summary>
public static class LoadRunner
{
    /// <summary>Runs every request once; <paramref name="send"/> answers whether the response was right.</summary>
    public static Task<LoadResult> RunAsync<T>(string name, IReadOnlyList<T> requests, int concurrency, Func<T, Task<bool>> send)
    {
        var next = -1;
        return RunCoreAsync(name, concurrency, async () =>
        {
            var i = Interlocked.Increment(ref next);
            return i < requests.Count ? await send(requests[i]) : null;
        });
    }

    /// <summary>Sends for <paramref name="duration"/>.</summary>
    public static Task<LoadResult> RunForAsync(string name, TimeSpan duration, int concurrency, Func<Task<bool>> send)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return RunCoreAsync(name, concurrency, async () => Stopwatch.GetTimestamp() < until ? await send() : null);
    }

    private static async Task<LoadResult> RunCoreAsync(string name, int concurrency, Func<Task<bool?>> sendNext)
    {
        var latencies = new List<double>[concurrency];
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            while (true)
            {
                var started = Stopwatch.GetTimestamp();
                bool? ok;
                try
                {
                    ok = await sendNext();
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                }

                if (ok is null)
                {
                    return;
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (ok == false)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        clock.Stop();
        return LoadResult.FromLatencies(name, errors, clock.Elapsed, latencies.SelectMany(l => l));
    }
}
