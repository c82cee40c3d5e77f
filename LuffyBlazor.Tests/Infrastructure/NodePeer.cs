using System.Diagnostics;
using System.Text.Json;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// Runs a Node script from <c>test-support/node</c> (the official SDKs the interop tests compare with): one JSON
/// object on stdin, one JSON line back. <c>./test.sh</c> installs the packages (<c>npm ci</c>), so a missing
/// package is a failure with a clear message, never a skip.
/// </summary>
public static class NodePeer
{
    public static string Folder => Path.Combine(RepositoryPaths.Root, "test-support", "node");

    public static async Task<JsonElement> RunAsync(string script, object request)
    {
        Assert.True(Directory.Exists(Path.Combine(Folder, "node_modules")),
            $"the Node peers are not installed: run ./test.sh (or `npm ci` in {Folder})");
        var start = new ProcessStartInfo("node", Path.Combine(Folder, script))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(request));
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{script} exited {process.ExitCode}: {await error}");
        return JsonDocument.Parse(await output).RootElement.Clone();
    }

    public static Task<JsonElement> AlipayAsync(object request) => RunAsync("alipay-peer.mjs", request);
}
