using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LuffyBlazor.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server: <c>initdb</c> into a temporary folder, <c>pg_ctl start</c> on a free loopback port,
/// from Debian's <c>postgresql</c> package (<c>./test.sh</c> installs it). PostgreSQL refuses to run as root, so under
/// root it runs as the <c>postgres</c> user the package creates. Used by the tests and by bench/load.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string bin;
    private readonly string data;

    private ThrowawayPostgres(string bin, string data, int port)
    {
        this.bin = bin;
        this.data = data;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection string to a database of that name (the app's migrations create it if missing).</summary>
    public string ConnectionString(string database, int maxPoolSize = 50) =>
        $"Host=127.0.0.1;Port={Port};Username=luffy;Database={database};Maximum Pool Size={maxPoolSize};Include Error Detail=true";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        var bin = (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL's server is not installed: run ./test.sh, which installs it (apt-get install -y postgresql)");
        var data = Path.Combine(Path.GetTempPath(), "luffy-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        if (IsRoot)
        {
            await RunAsync("chown", "postgres:postgres", data);
        }

        var server = new ThrowawayPostgres(bin, data, FreePort());
        await server.RunAsPostgresAsync("initdb", "-D", data, "-U", "luffy", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync");
        // A test database: durability traded for speed (fsync off), room for several app instances' pools.
        await server.RunAsPostgresAsync("pg_ctl", "-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-t", "60", "start", "-o",
            $"-p {server.Port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(data))
        {
            await RunAsPostgresAsync("pg_ctl", "-D", data, "-m", "immediate", "stop");
            Directory.Delete(data, recursive: true);
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task RunAsPostgresAsync(string tool, params string[] args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args]) : RunAsync(Path.Combine(bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
