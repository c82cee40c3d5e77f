using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace LuffyBlazor.Load;

/// <summary>
/// The independent client for the <c>pages</c> scenario: <c>bench/peer/pages.mjs</c> on Node (its own HTTP stack, a
/// keep-alive agent with the same number of connections) GETs one page for a fixed time against the same app
/// process, timing its own requests and computing its own percentiles; this tool only reads its summary line.
/// </summary>
public static class NodePages
{
    public static async Task<LoadResult> RunAsync(string repositoryRoot, string baseUrl, string name, string path, TimeSpan duration, int concurrency)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(repositoryRoot, "bench", "peer", "pages.mjs"), "--url", baseUrl.TrimEnd('/') + path,
            "--seconds", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start) ?? throw new InvalidOperationException("Could not start node (Node 20 or later must be on PATH).");
        var errorText = node.StandardError.ReadToEndAsync();
        var output = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        var summaryLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (node.ExitCode != 0 || summaryLine is null)
        {
            throw new InvalidOperationException($"pages.mjs exited with {node.ExitCode}:\n{output}\n{await errorText}");
        }

        var summary = JsonSerializer.Deserialize<Summary>(summaryLine)!;
        Console.WriteLine($"  client CPU (node): {summary.cpuMicroseconds / Math.Max(1, summary.requests):N0} µs/request");
        return new LoadResult(name, summary.requests, summary.errors, TimeSpan.FromSeconds(summary.seconds), summary.p50, summary.p95, summary.p99) { Client = "node" };
    }

    private sealed record Summary(int requests, int errors, double seconds, double p50, double p95, double p99, double cpuMicroseconds);
}
