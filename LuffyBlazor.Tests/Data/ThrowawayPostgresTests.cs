using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.Versioning;
using LuffyBlazor.TestSupport;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Data;

/// <summary>The tests' own PostgreSQL servers leave nothing running behind them, even when a run is killed.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ThrowawayPostgresTests
{
    [Fact]
    public async Task A_server_left_by_a_killed_run_is_stopped_and_deleted_when_the_next_server_starts()
    {
        var left = await ThrowawayPostgres.StartAsync();
        using (var ended = Process.Start("true"))
        {
            var id = ended.Id;
            await ended.WaitForExitAsync();
            // Its owner is now a process that has ended, as when a test run is killed.
            await File.WriteAllTextAsync(left.OwnerFile, new ThrowawayPostgres.Owner(id, DateTime.UtcNow).ToString());
        }

        await using var next = await ThrowawayPostgres.StartAsync();

        Assert.False(Directory.Exists(left.Data));
        Assert.False(File.Exists(left.OwnerFile));
        Assert.False(await AcceptsConnectionsAsync(left.Port));
        Assert.True(await AcceptsConnectionsAsync(next.Port));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Servers_live_in_a_folder_under_tmp_that_the_postgres_user_can_enter()
    {
        await using var server = await ThrowawayPostgres.StartAsync();

        Assert.StartsWith("/tmp/", server.Data);
        Assert.True(File.GetUnixFileMode(ThrowawayPostgres.Root).HasFlag(UnixFileMode.OtherExecute));
        Assert.True(File.Exists(server.OwnerFile));
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
