using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LuffyBlazor.Load;

/// <summary>
/// One instance of the app as a separate Release process on 127.0.0.1, with Production settings and the
/// environment's database and keys (so several instances share them, as behind a load balancer).
/// </summary>
public sealed class AppUnderTest : IAsyncDisposable
{
    private readonly Process process;

    private AppUnderTest(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>The app's process id: for its diagnostics port (a full GC before memory is read).</summary>
    public int ProcessId => process.Id;

    /// <summary>CPU time the process has used so far (user and system, all threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public long WorkingSetBytes
    {
        get
        {
            process.Refresh();
            return process.WorkingSet64;
        }
    }

    /// <summary>
    /// The working set's private part (Linux: <c>RssAnon</c> in /proc/PID/status): the heap, stacks and native
    /// allocations, without the pages of mapped files (the runtime's and the app's DLLs, paged in as code runs for
    /// the first time, shared and dropped by the kernel at will). Null where /proc is not there.
    /// </summary>
    public long? PrivateResidentBytes
    {
        get
        {
            var status = $"/proc/{process.Id}/status";
            if (!File.Exists(status))
            {
                return null;
            }

            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }

    public static async Task<AppUnderTest> StartAsync(string repositoryRoot, IReadOnlyDictionary<string, string> settings, string environmentName = "Production")
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var start = StartInfo(repositoryRoot, settings, "--urls", baseUrl);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environmentName;

        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        // Three minutes: on a saturated 2-core machine migrating, seeding and the first JIT take more than one.
        for (var i = 0; i < 1800; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode}:\n{output}");
            }

            try
            {
                using var health = await http.GetAsync(baseUrl + "/healthz");
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return new AppUnderTest(process, baseUrl);
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"The app did not become healthy within three minutes:\n{output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    /// <summary>The app (Release, Production settings unless changed, <paramref name="settings"/>) with <paramref name="arguments"/>: a server, or a command.</summary>
    public static ProcessStartInfo StartInfo(string repositoryRoot, IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(repositoryRoot, "LuffyBlazor"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LuffyBlazor.dll"));
        // A command (storage migrate …) must come first: later words are options.
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.Combine(repositoryRoot, "LuffyBlazor"));

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__")] = value;
        }

        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
