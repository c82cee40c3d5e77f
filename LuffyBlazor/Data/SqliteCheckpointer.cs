using Microsoft.Data.Sqlite;

namespace LuffyBlazor.Data;

/// <summary>
/// Checkpoints SQLite's write-ahead log beside the writers instead of inside their commits. By default the connection
/// whose commit takes the log past 1,000 pages copies the log into the database file, syncing both, before its commit
/// returns; here that connection is the one group-commit writer every payment (or Buy click) waits for, so every
/// request queued behind it waited for the copy too (bench/README, "First payments waited, not worked": first
/// payments 3,076 → about 4,100/s without it). So the app's connections turn it off (<c>wal_autocheckpoint=0</c>,
/// <see cref="SqlitePragmaInterceptor"/>) and this loop checkpoints on a connection of its own every
/// <see cref="Interval"/>: PASSIVE, which never waits for a reader or a writer, while writers go on appending to the
/// log. Started by the first connection the app opens, so command-line commands without a host are covered too.
/// </summary>
public sealed class SqliteCheckpointer(ILogger<SqliteCheckpointer> logger) : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private Task? loop;

    /// <summary>Starts checkpointing the database <paramref name="connectionString"/> names, once; later calls do nothing.</summary>
    public void Start(string connectionString)
    {
        lock (gate)
        {
            var own = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
            // An in-memory database has no log, and a connection of this loop's would keep a shared one alive.
            if (loop is not null || stopping.IsCancellationRequested || own.Mode == SqliteOpenMode.Memory || own.DataSource == ":memory:")
            {
                return;
            }

            // Its own unpooled connection, so that disposing the app lets go of the file.
            loop = Task.Run(() => RunAsync(own.ToString()));
        }
    }

    private async Task RunAsync(string connectionString)
    {
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(stopping.Token);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                try
                {
                    await checkpoint.ExecuteNonQueryAsync(stopping.Token);
                }
                catch (SqliteException ex)
                {
                    // The next tick tries again; the log only grows meanwhile.
                    logger.LogWarning(ex, "The write-ahead log's checkpoint failed");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "SQLite's checkpoints stopped; the write-ahead log is checkpointed when the last connection closes");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? running;
        lock (gate)
        {
            stopping.Cancel();
            running = loop;
        }

        if (running is not null)
        {
            await running;
        }

        stopping.Dispose();
    }
}
