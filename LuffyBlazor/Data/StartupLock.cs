using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LuffyBlazor.Data;

/// <summary>
/// Start-up work on the database (migrations, then seeding) done by one instance at a time on PostgreSQL.
/// Instances started together (<c>systemctl enable --now luffyblazor@5001 luffyblazor@5002</c>) would otherwise both
/// seed an empty database, and the second would stop on a unique index. EF Core's own migration lock does not cover
/// this either: Npgsql takes it per migration transaction, and two instances migrating an empty database at once
/// still apply the same migration twice (PostgresTests shows both). SQLite needs nothing: one instance per file.
/// </summary>
/// <remarks>
/// A session-level advisory lock on a connection of its own, so EF Core may open, close and transact on its
/// connections as it likes meanwhile. Released when disposed, or by the server when the process dies.
/// </remarks>
public sealed class StartupLock : IAsyncDisposable
{
    /// <summary>Any fixed number does: advisory locks are per database. ("LuffyBlz" in ASCII.)</summary>
    private const long Key = 0x4C75_6666_7942_6C7A;

    /// <summary>Long enough for another instance's migrations; a start-up stuck behind a hung one fails instead of waiting forever.</summary>
    private const int WaitSeconds = 600;

    private readonly NpgsqlConnection? connection;

    private StartupLock(NpgsqlConnection? connection) => this.connection = connection;

    public static async Task<StartupLock> AcquireAsync(LuffyDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            return new StartupLock(null);
        }

        await CreateDatabaseIfMissingAsync(db, ct);
        var connectionString = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ConnectionString;
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({Key})", connection) { CommandTimeout = WaitSeconds };
            await command.ExecuteNonQueryAsync(ct);
            return new StartupLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            // Closing the session releases the lock too; unlocking first says so plainly.
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({Key})", connection);
            await command.ExecuteNonQueryAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>The lock lives in the database, so the database must exist first (EF Core would otherwise create it while migrating).</summary>
    private static async Task CreateDatabaseIfMissingAsync(LuffyDbContext db, CancellationToken ct)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(ct))
        {
            return;
        }

        try
        {
            await creator.CreateAsync(ct);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it a moment ago.
        }
    }
}
