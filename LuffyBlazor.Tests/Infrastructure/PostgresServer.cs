using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LuffyBlazor.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>
/// A real PostgreSQL server for the tests: a throwaway cluster (initdb) in a temporary folder on a free loopback port,
/// from Debian's <c>postgresql</c> package, which <c>./test.sh</c> installs when it is missing. PostgreSQL refuses to
/// run as root, so under root it runs as the <c>postgres</c> user the package creates.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string bin = "";
    private string data = "";
    private int port;

    public async Task InitializeAsync()
    {
        bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault() ?? ""
            : "";
        Assert.True(bin.Length > 0, "PostgreSQL's server is not installed: run ./test.sh, which installs it (apt-get install -y postgresql)");

        data = Path.Combine(Path.GetTempPath(), "luffy-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres:postgres", data);
        }

        port = FreePort();
        await RunAsPostgresAsync("initdb", "-D", data, "-U", "luffy", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync");
        // A test database: durability traded for speed (fsync off), more connections for the concurrency tests.
        await RunAsPostgresAsync("pg_ctl", "-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-t", "60", "start", "-o",
            $"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
    }

    /// <summary>A connection string to a database of that name (created by the app's migrations if missing).</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={port};Username=luffy;Database={database};Maximum Pool Size=50;Include Error Detail=true";

    public async Task DisposeAsync()
    {
        if (bin.Length > 0 && Directory.Exists(data))
        {
            await RunAsPostgresAsync("pg_ctl", "-D", data, "-m", "immediate", "stop");
            Directory.Delete(data, recursive: true);
        }
    }

    private Task RunAsPostgresAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args])
            : RunAsync(Path.Combine(bin, tool), args);

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
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await output}{await error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
