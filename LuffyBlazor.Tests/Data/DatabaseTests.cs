using LuffyBlazor.Data;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LuffyBlazor.Tests.Data;

public sealed class DatabaseTests
{
    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_match_the_model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"luffy-migrate-{Guid.NewGuid():N}.db");
        try
        {
            var options = new DbContextOptionsBuilder<SqliteLuffyDbContext>().UseSqlite($"Data Source={path}").Options;
            await using var db = new SqliteLuffyDbContext(options);

            await DatabaseInitializer.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);

            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes that no SQLite migration captures: add one (README, \"Database\")");
            Assert.Equal(0, await db.Courses.CountAsync());
            var journal = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
            Assert.Equal("wal", journal.Single());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task Every_connection_the_app_opens_runs_with_synchronous_normal_and_a_busy_timeout()
    {
        using var app = new LuffyAppFactory();
        app.CreateClient();

        for (var open = 0; open < 3; open++) // the first open of a pooled connection, then reuses of it
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
            Assert.Equal(1, (await db.Database.SqlQueryRaw<int>("PRAGMA synchronous").ToListAsync()).Single());
            Assert.Equal(60000, (await db.Database.SqlQueryRaw<int>("PRAGMA busy_timeout").ToListAsync()).Single());
            Assert.Equal(0, (await db.Database.SqlQueryRaw<int>("PRAGMA wal_autocheckpoint").ToListAsync()).Single());
        }
    }

    [Fact]
    public async Task The_write_ahead_log_is_copied_into_the_database_file_beside_the_writers_not_by_their_commits()
    {
        using var app = new LuffyAppFactory();
        app.CreateClient();
        await app.QueryAsync(db => db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)"));
        var before = new FileInfo(app.DatabasePath).Length;

        // About 100 pages: far below SQLite's own 1,000-page threshold, so no commit would have checkpointed them; they
        // reach the database file only through the checkpointer.
        var rows = string.Join(", ", Enumerable.Range(0, 100).Select(i => $"('2026-12-04 09:00:00', 'x{i}', 0, 'test', '{new string('p', 3000)}', 1)"));
        var insert = $"INSERT INTO \"NotifyLogs\" (\"ReceivedAt\", \"OutTradeNo\", \"Verdict\", \"Reason\", \"RawParameters\", \"Count\") VALUES {rows}";
        await app.QueryAsync(db => db.Database.ExecuteSqlRawAsync(insert));

        var grown = false;
        for (var wait = 0; wait < 50 && !grown; wait++)
        {
            await Task.Delay(SqliteCheckpointer.Interval);
            grown = new FileInfo(app.DatabasePath).Length >= before + 100 * 3000;
        }

        Assert.True(grown, "the checkpointer did not copy the log into the database file within 50 intervals");
    }

    [Fact]
    public async Task Seeding_again_never_duplicates_the_catalogue()
    {
        using var app = new LuffyAppFactory();
        app.CreateClient();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.InitializeDatabaseAsync();
            await scope.ServiceProvider.InitializeDatabaseAsync();
        }

        await using var check = app.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<LuffyDbContext>();
        Assert.Equal(CatalogueSeedData.Courses.Length, await db.Courses.CountAsync());
        Assert.Equal(CatalogueSeedData.Categories.Length, await db.CourseCategories.CountAsync());
        Assert.True(CatalogueSeedData.Courses.Length >= 12);
        Assert.True(await db.CourseLessons.CountAsync(l => l.IsFreePreview) > 0);
        Assert.Equal(1, await db.Users.CountAsync());
    }

    [Fact]
    public async Task Money_is_stored_as_fen_so_sqlite_can_sort_and_sum_it_exactly()
    {
        using var app = new LuffyAppFactory();
        app.CreateClient();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();

        var total = await db.Courses.SumAsync(c => c.Price);
        var cheapest = await db.Courses.OrderBy(c => c.Price).Select(c => c.Price).FirstAsync();

        Assert.Equal(CatalogueSeedData.Courses.Sum(c => c.Price), total);
        Assert.Equal(0.01m, cheapest);
    }

    [Fact]
    public async Task The_live_order_lookup_of_a_group_of_Buys_reads_the_learners_index_not_every_unpaid_order()
    {
        using var app = new LuffyAppFactory();
        app.CreateClient();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        // As SQLite's planner sees it without statistics.
        await using var command = PurchaseSnapshotReads.LiveOrderKeysCommand(db, ["u1", "u2"], ["1,3", "2"], DateTime.UtcNow);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await db.Database.OpenConnectionAsync();

        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains("IX_Orders_UserId_PurchaseKey_Status_ExpiresAt (UserId=? AND PurchaseKey=? AND Status=? AND ExpiresAt>?)"));
    }

    [Fact]
    public void With_migrations_off_start_up_leaves_an_empty_database_unmigrated_and_says_how_to_migrate()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Database:MigrateOnStartup", error.ToString());
        Assert.Contains("-- migrate", error.ToString());
        Assert.Empty(TablesOf(app.DatabasePath));
    }

    [Fact]
    public async Task With_migrations_off_an_already_migrated_database_is_served_as_it_is()
    {
        using var migrated = new LuffyAppFactory();
        migrated.CreateClient();
        using var app = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={migrated.DatabasePath}",
            ["Database:MigrateOnStartup"] = "false",
        });

        var (code, body) = await app.CreateClient().GetJsonAsync("/api/v1/course/");

        Assert.Equal(System.Net.HttpStatusCode.OK, code);
        Assert.NotEmpty(body.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public void A_relative_sqlite_path_is_resolved_against_the_content_root()
    {
        var resolved = DatabaseSetup.ResolveSqliteConnectionString("Data Source=luffy.db", "/srv/app/LuffyBlazor");

        Assert.Contains("Data Source=/srv/app/LuffyBlazor/luffy.db", resolved);
    }

    private static List<string> TablesOf(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
