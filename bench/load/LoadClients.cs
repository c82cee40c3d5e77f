using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LuffyBlazor.Load;

/// <summary>
/// One request of a scenario, as either client sends it: a POST to one of the instances. Right when the answer is
/// exactly <see cref="Answer"/> (a notify's <c>success</c>/<c>failure</c>), or is a 200 containing
/// <see cref="Contains"/> (a checkout's signed <c>pay_url</c>).
/// </summary>
public sealed record LoadRequest(int Instance, string Path, string ContentType, string? Bearer, byte[] Body, string? Answer, string? Contains)
{
    public bool IsRight(HttpStatusCode status, string text) =>
        Answer is not null ? text == Answer : status == HttpStatusCode.OK && text.Contains(Contains!, StringComparison.Ordinal);
}

/// <summary>What came back: the figures, how many times each short answer came, and the out_trade_no each answer carried.</summary>
public sealed record SendOutcome(LoadResult Result, IReadOnlyDictionary<string, int> Answers, IReadOnlyList<string> OutTradeNos)
{
    public int Count(string answer) => Answers.GetValueOrDefault(answer);
}

/// <summary>Sends a scenario's requests from a fixed number of keep-alive connections and measures them.</summary>
public interface ILoadClient
{
    string Name { get; }

    Task<SendOutcome> SendAsync(string scenario, IReadOnlyList<LoadRequest> requests);
}

/// <summary>The tool's own client: .NET's HttpClient in this process (<see cref="LoadRunner"/>).</summary>
public sealed partial class DotnetClient(LoadEnvironment app, int concurrency) : ILoadClient
{
    public string Name => "dotnet";

    public async Task<SendOutcome> SendAsync(string scenario, IReadOnlyList<LoadRequest> requests)
    {
        var answers = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var numbers = new ConcurrentBag<string>();
        var result = await LoadRunner.RunAsync(scenario, requests, concurrency, async r =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, r.Path) { Content = new ByteArrayContent(r.Body) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(r.ContentType);
            if (r.Bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", r.Bearer);
            }

            using var response = await app.Clients[r.Instance].SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Tally(answers, numbers, text);
            return r.IsRight(response.StatusCode, text);
        });
        return new SendOutcome(result, answers, [.. numbers]);
    }

    private static void Tally(ConcurrentDictionary<string, int> answers, ConcurrentBag<string> numbers, string text)
    {
        if (text.Length <= 16)
        {
            answers.AddOrUpdate(text, 1, (_, n) => n + 1);
        }
        else if (OutTradeNo().Match(text) is { Success: true } match)
        {
            numbers.Add(match.Groups[1].Value);
        }
    }

    [GeneratedRegex("\"out_trade_no\":\"([^\"]+)\"")]
    internal static partial Regex OutTradeNo();
}

/// <summary>
/// The independent client: <c>bench/peer/storm.mjs</c> on Node (the same number of keep-alive connections), reading
/// the same requests from a file. It times its own requests and computes its own percentiles; this tool only hands it
/// the file and reads back its summary line. <paramref name="stack"/> "raw": its HTTP/1.1 over node:net
/// (bench/peer/raw-http.mjs); "http": node:http's agent.
/// </summary>
public sealed class NodeClient(LoadEnvironment app, int concurrency, string repositoryRoot, string stack) : ILoadClient
{
    private int runs;

    public string Name => stack == "raw" ? "node" : "node-http";

    public async Task<SendOutcome> SendAsync(string scenario, IReadOnlyList<LoadRequest> requests)
    {
        var run = Interlocked.Increment(ref runs);
        var file = Path.Combine(app.Folder, $"requests-{run}.jsonl");
        var captures = Path.Combine(app.Folder, $"captures-{run}.txt");
        await using (var writer = new StreamWriter(file, false, new UTF8Encoding(false)))
        {
            foreach (var r in requests)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    i = r.Instance, path = r.Path, type = r.ContentType, bearer = r.Bearer, body = Encoding.UTF8.GetString(r.Body), answer = r.Answer, contains = r.Contains,
                }));
            }
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(repositoryRoot, "bench", "peer", "storm.mjs"), "--requests", file, "--captures", captures,
            "--urls", string.Join(',', app.Instances.Select(i => i.BaseUrl)), "--concurrency", concurrency.ToString(), "--stack", stack,
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
            throw new InvalidOperationException($"storm.mjs exited with {node.ExitCode}:\n{output}\n{await errorText}");
        }

        var summary = JsonSerializer.Deserialize<NodeSummary>(summaryLine)!;
        var result = new LoadResult(scenario, summary.requests, summary.errors, TimeSpan.FromSeconds(summary.seconds), summary.p50, summary.p95, summary.p99) {
            Client = Name,
            ClientCpuMicrosecondsPerRequest = summary.cpuMicroseconds / Math.Max(1, summary.requests),
        };
        var numbers = File.Exists(captures) ? await File.ReadAllLinesAsync(captures) : [];
        File.Delete(file);
        File.Delete(captures);
        return new SendOutcome(result, summary.answers, numbers);
    }

    private sealed record NodeSummary(
        int requests, int errors, double seconds, double p50, double p95, double p99, Dictionary<string, int> answers, double cpuMicroseconds);
}

/// <summary>
/// A measured round: the app's CPU and this client's own, taken around the round's requests only, so that neither
/// counts the scenario's preparation (seeding, signing the notifies, paying the orders a duplicates round repeats)
/// or its checks. The Node client reports its own CPU; for the tool's own client it is this process's.
/// </summary>
public sealed class MeasuredClient(ILoadClient inner, Func<TimeSpan> appCpu) : ILoadClient
{
    public string Name => inner.Name;

    public async Task<SendOutcome> SendAsync(string scenario, IReadOnlyList<LoadRequest> requests)
    {
        var (app, own) = (appCpu(), OwnCpu());
        var outcome = await inner.SendAsync(scenario, requests);
        var (appSpent, ownSpent) = (appCpu() - app, OwnCpu() - own);
        var count = Math.Max(1, outcome.Result.Requests);
        return outcome with
        {
            Result = outcome.Result with
            {
                AppCpuMicrosecondsPerRequest = appSpent.TotalMicroseconds / count,
                ClientCpuMicrosecondsPerRequest = outcome.Result.ClientCpuMicrosecondsPerRequest > 0
                    ? outcome.Result.ClientCpuMicrosecondsPerRequest
                    : ownSpent.TotalMicroseconds / count,
            },
        };
    }

    public static TimeSpan OwnCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
