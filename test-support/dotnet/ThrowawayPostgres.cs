using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LuffyBlazor.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server: <c>initdb</c> into a fresh folder, <c>pg_ctl start</c> on a free loopback port,
/// from Debian's <c>postgresql</c> package (<c>./test.sh</c> installs it). PostgreSQL refuses to run as root, so under
/// root it runs as the <c>postgres</c> user the package creates. Used by the tests and by bench/load.
/// </summary>
/// <remarks>
/// Every server lives in <c>/tmp/luffy-pg-USER/</c> next to a <c>.owner</c> file naming the process that started it.
/// A run that is killed cannot stop its servers, so each start first stops and deletes the servers whose owner is
/// gone. The folder is under <c>/tmp</c> itself, not <c>$TMPDIR</c>: a private temp folder (0700) would keep the
/// <c>postgres</c> user out.
/// </remarks>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly string bin;

    private ThrowawayPostgres(string bin, string data, int port)
    {
        this.bin = bin;
        Data = data;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server's data folder (its socket is there too).</summary>
    internal string Data { get; }

    internal string OwnerFile => Data + ".owner";

    /// <summary>Where the servers of this user live: reachable by the <c>postgres</c> user, written only by its owner.</summary>
    internal static string Root { get; } = Path.Combine(Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath(), "luffy-pg-" + Environment.UserName);

    /// <summary>A connection string to a database of that name (the app's migrations create it if missing).</summary>
    public string ConnectionString(string database, int maxPoolSize = 50) =>
        $"Host=127.0.0.1;Port={Port};Username=luffy;Database={database};Maximum Pool Size={maxPoolSize};Include Error Detail=true";

    public static async Task<ThrowawayPostgres> StartAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The throwaway PostgreSQL server is Debian's postgresql package: run on Linux.");
        }

        var bin = (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql") : [])
            .Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL's server is not installed: run ./test.sh, which installs it (apt-get install -y postgresql)");
        Directory.CreateDirectory(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        await StopServersOfEndedRunsAsync(bin);

        var server = new ThrowawayPostgres(bin, Path.Combine(Root, $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}"), FreePort());
        // The owner first: a folder is never there without the name of the process that may still be using it.
        await File.WriteAllTextAsync(server.OwnerFile, Owner.Current.ToString());
        Directory.CreateDirectory(server.Data);
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", "postgres:postgres", server.Data);
        }

        await server.RunAsPostgresAsync("initdb", "-D", server.Data, "-U", "luffy", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync");
        // A test database: durability traded for speed (fsync off), room for several app instances' pools.
        await server.RunAsPostgresAsync("pg_ctl", "-D", server.Data, "-l", Path.Combine(server.Data, "server.log"), "-w", "-t", "60", "start", "-o",
            $"-p {server.Port} -k {server.Data} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300");
        return server;
    }

    public async ValueTask DisposeAsync() => await StopAndDeleteAsync(bin, Data);

    /// <summary>Servers whose owner has ended (a test run that was killed): stopped and deleted.</summary>
    private static async Task StopServersOfEndedRunsAsync(string bin)
    {
        var servers = Directory.GetDirectories(Root)
            .Concat(Directory.GetFiles(Root, "*.owner").Select(f => f[..^".owner".Length])).Distinct();
        foreach (var data in servers)
        {
            if (!Owner.TryRead(data + ".owner", out var owner) || !owner.IsRunning())
            {
                await StopAndDeleteAsync(bin, data);
            }
        }
    }

    private static async Task StopAndDeleteAsync(string bin, string data)
    {
        try
        {
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                await RunAsPostgresAsync(bin, "pg_ctl", "-D", data, "-m", "immediate", "stop");
            }
        }
        catch (InvalidOperationException)
        {
            // Not running any more (or being stopped by another run sweeping at the same moment): deleting is enough.
        }

        try
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            File.Delete(data + ".owner");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another run sweeping at the same moment got there first.
        }
    }

    private Task RunAsPostgresAsync(string tool, params string[] args) => RunAsPostgresAsync(bin, tool, args);

    private static Task RunAsPostgresAsync(string bin, string tool, params string[] args) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args])
            : RunAsync(Path.Combine(bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        // A working folder the postgres user may enter (it starts in the caller's, which may be private).
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
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

    /// <summary>A process, told apart from a later one that reuses its id by its start time.</summary>
    internal readonly record struct Owner(int ProcessId, DateTime StartedAt)
    {
        public static Owner Current { get; } = OfCurrentProcess();

        public bool IsRunning()
        {
            try
            {
                using var process = Process.GetProcessById(ProcessId);
                return (Of(process).StartedAt - StartedAt).Duration() < TimeSpan.FromSeconds(2);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                return false; // no such process (any more)
            }
        }

        public static bool TryRead(string path, out Owner owner)
        {
            owner = default;
            var parts = File.Exists(path) ? File.ReadAllText(path).Split(' ') : [];
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var id)
                || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var ticks) || ticks < 0 || ticks > DateTime.MaxValue.Ticks)
            {
                return false;
            }

            owner = new Owner(id, new DateTime(ticks, DateTimeKind.Utc));
            return true;
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ProcessId} {StartedAt.Ticks}");

        private static Owner Of(Process process) => new(process.Id, process.StartTime.ToUniversalTime());

        private static Owner OfCurrentProcess()
        {
            using var current = Process.GetCurrentProcess();
            return Of(current);
        }
    }
}
