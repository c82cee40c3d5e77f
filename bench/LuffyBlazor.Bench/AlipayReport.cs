using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LuffyBlazor.Bench;

/// <summary>
/// Runs <see cref="AlipayBenchmarks"/> and the official Node SDK's figures (bench/peer) in one go, then prints our
/// rates as ratios to the raw RSA ceiling and to the peer, since absolute figures move from machine to machine.
/// </summary>
public static class AlipayReport
{
    public static void Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(12))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<AlipayBenchmarks>(config, args);
        var rates = summary.Reports.Where(r => r.ResultStatistics is not null).ToDictionary(
            r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
            r => (PerSecond: 1e9 / r.ResultStatistics!.Mean, Allocated: r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0));
        var peer = RunPeer();

        Console.WriteLine();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine();
        Console.WriteLine("| operation (one core) | ops/s | allocated/op | vs ceiling | target | official Node SDK | ours / SDK |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Row(rates, "RawSign", "raw RSA-2048 sign (ceiling)", null, null, null);
        Row(rates, "PagePayUrl", "signed page-pay URL", ("RawSign", 0.90), peer?.PageUrls, "≥ 2,000/s and ≥ 90 %");
        Row(rates, "RawVerify", "raw RSA-2048 verify (ceiling)", null, null, null);
        Row(rates, "VerifyNotify", "notify verification", ("RawVerify", 0.80), peer?.NotifyChecks, "≥ 30,000/s and ≥ 80 %");
        Row(rates, "VerifyResponse", "OpenAPI response verification", ("RawVerify", 0.80), null, null);
        Row(rates, "OutTradeNo", "out_trade_no", null, null, null);
        if (peer is null)
        {
            Console.WriteLine();
            Console.WriteLine("(official Node SDK not measured: run `npm ci` in bench/peer first)");
        }
    }

    private static void Row(
        Dictionary<string, (double PerSecond, long Allocated)> rates, string name, string label, (string Ceiling, double Target)? against,
        double? peerRate, string? target)
    {
        if (!rates.TryGetValue(name, out var rate))
        {
            return;
        }

        var ratio = against is { } a && rates.TryGetValue(a.Ceiling, out var ceiling) ? rate.PerSecond / ceiling.PerSecond : (double?)null;
        var verdict = ratio is null ? "" : ratio >= against!.Value.Target ? " ✓" : " ✗";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {rate.PerSecond:N0} | {rate.Allocated:N0} B | {(ratio is null ? "—" : $"{ratio:P1}{verdict}")} | {target ?? "—"} | {(peerRate is null ? "—" : $"{peerRate:N0}")} | {(peerRate is null ? "—" : $"{rate.PerSecond / peerRate:N1}×")} |"));
    }

    private static (double PageUrls, double NotifyChecks)? RunPeer()
    {
        var folder = FindPeerFolder();
        if (folder is null || !Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            return null;
        }

        var start = new ProcessStartInfo("node", "peer-bench.mjs") { WorkingDirectory = folder, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadToEnd().Trim().Split('\n').Last();
        process.WaitForExit();
        using var json = JsonDocument.Parse(line);
        return (json.RootElement.GetProperty("pageUrlsPerSec").GetDouble(), json.RootElement.GetProperty("notifyChecksPerSec").GetDouble());
    }

    private static string? FindPeerFolder()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "peer");
            if (File.Exists(Path.Combine(candidate, "peer-bench.mjs")))
            {
                return candidate;
            }
        }

        return null;
    }
}
