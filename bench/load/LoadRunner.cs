using System.Diagnostics;
using System.Globalization;

namespace LuffyBlazor.Load;

/// <summary>What a scenario measured: throughput, latency percentiles and failures.</summary>
public sealed record LoadResult(string Name, int Requests, int Errors, TimeSpan Elapsed, double[] LatenciesMs)
{
    /// <summary>The app's CPU time per request: what one request costs, whatever else the machine is doing.</summary>
    public double AppCpuMicrosecondsPerRequest { get; init; }

    public double PerSecond => Requests / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return 0;
        }

        var index = (int)Math.Ceiling(p / 100 * LatenciesMs.Length) - 1;
        return LatenciesMs[Math.Clamp(index, 0, LatenciesMs.Length - 1)];
    }

    /// <summary>A table row; every scenario's target includes p99 under 50 ms, some also a rate (0: none).</summary>
    public string Row(double targetPerSecond)
    {
        var met = PerSecond >= targetPerSecond && Percentile(99) < 50 && Errors == 0;
        var target = (targetPerSecond > 0 ? $"≥ {targetPerSecond:N0}/s, " : "") + "p99 < 50 ms" + (met ? " ✓" : " ✗");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Name} | {Requests:N0} | {Errors} | {PerSecond:N0} | {Percentile(50):0.0} | {Percentile(95):0.0} | {Percentile(99):0.0} | {AppCpuMicrosecondsPerRequest:N0} | {target} |");
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
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new LoadResult(name, all.Length, errors, clock.Elapsed, all);
    }
}
