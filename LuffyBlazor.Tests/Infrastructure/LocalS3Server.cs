using System.Diagnostics;
using System.Text.Json;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// A real S3 server (npm s3rver, started by test-support/node/s3-server.mjs) on a free loopback port with its own
/// temporary folder, for as long as the test holds it. It speaks the S3 REST API for real (objects, metadata, ranges,
/// presigned GETs) but, like s3rver itself, only checks that a SigV4 request names its access key.
/// </summary>
public sealed class LocalS3Server : IAsyncDisposable
{
    public const string Bucket = "luffy-media";

    private readonly Process process;
    private readonly string directory;

    private LocalS3Server(Process process, string directory, int port, string accessKey, string secretKey)
    {
        this.process = process;
        this.directory = directory;
        ServiceUrl = $"http://127.0.0.1:{port}";
        AccessKey = accessKey;
        SecretKey = secretKey;
    }

    public string ServiceUrl { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }

    public static async Task<LocalS3Server> StartAsync()
    {
        Assert.True(Directory.Exists(Path.Combine(NodePeer.Folder, "node_modules", "s3rver")),
            $"s3rver is not installed: run ./test.sh (or `npm ci` in {NodePeer.Folder})");
        var directory = Path.Combine(Path.GetTempPath(), "luffy-s3", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(NodePeer.Folder, "s3-server.mjs"), directory, Bucket },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = NodePeer.Folder,
        };
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null)
        {
            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            Assert.Fail($"s3-server.mjs did not start: {error}");
        }

        var ready = JsonDocument.Parse(line).RootElement;
        return new LocalS3Server(process, directory, ready.GetProperty("port").GetInt32(),
            ready.GetProperty("accessKey").GetString()!, ready.GetProperty("secretKey").GetString()!);
    }

    /// <summary>Settings for the app's S3 store (<c>Storage:S3:*</c>), optionally making it the app's provider.</summary>
    public Dictionary<string, string?> Settings(bool asProvider = true, string? publicBaseUrl = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:S3:ServiceUrl"] = ServiceUrl,
            ["Storage:S3:Region"] = "us-east-1",
            ["Storage:S3:Bucket"] = Bucket,
            ["Storage:S3:AccessKey"] = AccessKey,
            ["Storage:S3:SecretKey"] = SecretKey,
            ["Storage:S3:ForcePathStyle"] = "true",
            ["Storage:S3:PublicBaseUrl"] = publicBaseUrl ?? "",
        };
        if (asProvider)
        {
            settings["Storage:Provider"] = "S3";
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing stdin asks the server to shut down; it is ours, so it is ended if it does not.
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
