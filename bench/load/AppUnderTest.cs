using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace LuffyBlazor.Load;

/// <summary>
/// The app as a separate Release process on 127.0.0.1 with its own temporary SQLite database and freshly generated
/// keys, so the load tool measures what a deployment would run (Production settings, no simulator).
/// </summary>
public sealed class AppUnderTest : IAsyncDisposable
{
    public const string AppId = "2021000000000042";

    private readonly Process process;

    private AppUnderTest(Process process, string folder, string baseUrl, RSA alipayPrivateKey, string jwtKey)
    {
        this.process = process;
        Folder = folder;
        BaseUrl = baseUrl;
        AlipayPrivateKey = alipayPrivateKey;
        JwtSigningKey = jwtKey;
    }

    public string Folder { get; }
    public string BaseUrl { get; }
    public string DatabasePath => Path.Combine(Folder, "luffy.db");
    public RSA AlipayPrivateKey { get; }
    public string JwtSigningKey { get; }

    /// <summary>CPU time the app has used so far (user and system, all threads).</summary>
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

    public static async Task<AppUnderTest> StartAsync(string repositoryRoot)
    {
        var folder = Path.Combine(Path.GetTempPath(), "luffy-load", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        using var appKey = RSA.Create(2048);
        var alipayKey = RSA.Create(2048);
        await File.WriteAllTextAsync(Path.Combine(folder, "app_private_key.pem"), appKey.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(Path.Combine(folder, "alipay_public_key.pem"), alipayKey.ExportSubjectPublicKeyInfoPem());
        var jwtKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(repositoryRoot, "LuffyBlazor"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LuffyBlazor.dll"));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.Combine(repositoryRoot, "LuffyBlazor"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["ConnectionStrings__Default"] = $"Data Source={Path.Combine(folder, "luffy.db")}";
        env["Jwt__SigningKey"] = jwtKey;
        env["Alipay__AppId"] = AppId;
        env["Alipay__AppPrivateKeyPath"] = Path.Combine(folder, "app_private_key.pem");
        env["Alipay__AlipayPublicKeyPath"] = Path.Combine(folder, "alipay_public_key.pem");
        env["Keys__Directory"] = Path.Combine(folder, "keys");
        env["Storage__Local__Root"] = Path.Combine(folder, "media");
        env["Security__HttpsRedirection"] = "false";
        env["Orders__SweeperEnabled"] = "false";
        env["Logging__LogLevel__Default"] = "Warning";

        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        for (var i = 0; i < 600; i++)
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
                    return new AppUnderTest(process, folder, baseUrl, alipayKey, jwtKey);
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"The app did not become healthy within a minute:\n{output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        AlipayPrivateKey.Dispose();
        process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS's temp cleaning
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
