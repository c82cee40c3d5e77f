using LuffyBlazor.Data;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.Simulator;

/// <summary>The simulated Alipay keeps its records in a SQLite file of its own, never in the shop's schema.</summary>
public sealed class SimulatorDatabaseTests
{
    private static readonly string[] SimulatorTables = ["SimulatorNotifications", "SimulatorNotifyAttempts", "SimulatorRefunds", "SimulatorTrades"];

    private static Dictionary<string, string?> SimulatorOn(string? databasePath = null) => new()
    {
        ["Alipay:Simulator:Enabled"] = "true",
        ["Alipay:Simulator:RunNotifier"] = "false",
        ["Alipay:Simulator:AppPublicKeyPath"] = AlipayTestKeys.AppPublicKeyPath,
        ["Alipay:Simulator:AlipayPrivateKeyPath"] = AlipayTestKeys.AlipayPrivateKeyPath,
        ["Alipay:Simulator:DatabasePath"] = databasePath,
    };

    private static Task<List<string>> TablesAsync(string databaseFile) => SqliteTables.OfAsync(databaseFile);

    [Fact]
    public async Task A_payment_through_the_simulator_is_recorded_in_its_own_file_beside_the_apps_database_and_not_in_the_apps()
    {
        using var sim = new SimulatorApp();
        var (learner, _) = await sim.App.CreateLearnerAsync();
        var order = await sim.App.PlaceOrderAsync(learner, 2);

        (await Cashier.PayAsync(sim.Browser(), sim.PayUrl(order))).Dispose();

        var simulatorFile = Path.Combine(sim.App.Root, SimulatorOptions.DefaultDatabaseFile);
        Assert.Equal(simulatorFile, sim.App.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.DatabasePath);
        Assert.Equal(1, await sim.App.QuerySimulatorAsync(db => db.Trades.CountAsync(t => t.OutTradeNo == order.OutTradeNo)));
        Assert.Subset((await TablesAsync(simulatorFile)).ToHashSet(), SimulatorTables.ToHashSet());
        Assert.Empty((await TablesAsync(sim.App.DatabasePath)).Intersect(SimulatorTables));
        Assert.Equal("wal", (await sim.App.QuerySimulatorAsync(db => db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync())).Single());
    }

    [Fact]
    public async Task The_simulators_migrations_apply_to_an_empty_file_and_match_its_model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"luffy-simulator-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = new SimulatorDbContext(new DbContextOptionsBuilder<SimulatorDbContext>().UseSqlite($"Data Source={path}").Options);

            await db.Database.MigrateAsync();

            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(),
                "the simulator's model has changes that no migration captures: add one (docs/simulator.md, \"Its database\")");
            Assert.Equal(0, await db.Trades.CountAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_shop_database_from_before_the_move_loses_the_simulators_tables_when_migrated()
    {
        var path = Path.Combine(Path.GetTempPath(), $"luffy-before-move-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = new SqliteLuffyDbContext(new DbContextOptionsBuilder<SqliteLuffyDbContext>().UseSqlite($"Data Source={path}").Options);
            var migrations = db.Database.GetMigrations().ToList();
            var removal = migrations.FindIndex(m => m.EndsWith("_RemoveAlipaySimulatorTables", StringComparison.Ordinal));
            await db.GetService<IMigrator>().MigrateAsync(migrations[removal - 1]);
            Assert.Subset((await TablesAsync(path)).ToHashSet(), SimulatorTables.ToHashSet());

            await DatabaseInitializer.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);

            Assert.Empty((await TablesAsync(path)).Intersect(SimulatorTables));
            Assert.Contains("NotifyLogs", await TablesAsync(path));
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
    public async Task Two_instances_of_the_simulator_never_claim_the_same_notify()
    {
        // Instances that share the simulator share its file (each has its own shop database here).
        var shared = Path.Combine(Path.GetTempPath(), $"luffy-shared-simulator-{Guid.NewGuid():N}.db");
        try
        {
            using var first = new LuffyAppFactory(SimulatorOn(shared));
            first.CreateClient();
            using var second = new LuffyAppFactory(SimulatorOn(shared));
            second.CreateClient();
            await first.QuerySimulatorAsync(async db =>
            {
                var now = DateTime.UtcNow;
                var trade = new SimulatorTrade
                {
                    AppId = AlipayTestKeys.AppId, OutTradeNo = "T1", TradeNo = "2026112522001000000000000001", Subject = "s", TotalAmount = 1m,
                    ProductCode = "FAST_INSTANT_TRADE_PAY", CreatedAt = now,
                };
                db.Add(trade);
                await db.SaveChangesAsync();
                db.AddRange(Enumerable.Range(0, 40).Select(i => new SimulatorNotification
                {
                    TradeId = trade.Id, NotifyId = $"N{i}", NotifyUrl = "http://127.0.0.1:9/notify", TradeStatusSent = "TRADE_SUCCESS",
                    Form = "[]", NextAttemptAt = now.AddMinutes(-1), CreatedAt = now,
                }));
                return await db.SaveChangesAsync();
            });

            var claims = await Task.WhenAll(new[] { first, second, first, second }.Select(async app =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<SimulatorNotifications>().ClaimDueAsync(40, CancellationToken.None);
            }));

            var all = claims.SelectMany(c => c).Select(c => c.NotificationId).ToList();
            Assert.Equal(40, all.Count);
            Assert.Equal(40, all.Distinct().Count());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(shared) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void With_the_simulator_off_it_has_no_database_at_all()
    {
        using var app = new LuffyAppFactory();
        app.CreateClient();

        Assert.Null(app.Services.GetService<IDbContextFactory<SimulatorDbContext>>());
        Assert.False(File.Exists(Path.Combine(app.Root, SimulatorOptions.DefaultDatabaseFile)));
    }
}
