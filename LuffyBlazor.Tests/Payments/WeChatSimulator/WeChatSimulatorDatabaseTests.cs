using System.Net;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Payments.WeChatSimulator;

/// <summary>
/// The simulated WeChat Pay keeps its trades, refunds and pending notifies in a SQLite file of its own (never in the
/// shop's schema), so that a restarted app finds them and delivers what was still on its way.
/// </summary>
public sealed class WeChatSimulatorDatabaseTests
{
    private static readonly string[] Tables = ["WeChatSimNotifications", "WeChatSimNotifyAttempts", "WeChatSimRefunds", "WeChatSimTrades"];

    private static Task<List<string>> TablesAsync(string databaseFile) => SqliteTables.OfAsync(databaseFile);

    [Fact]
    public async Task The_simulator_has_its_own_file_beside_the_apps_database_in_wal_mode()
    {
        using var sim = new WeChatSimulatorApp();
        var (order, _) = await sim.StartAsync(1);

        var file = Path.Combine(sim.App.Root, WeChatSimulatorOptions.DefaultDatabaseFile);
        Assert.Equal(file, sim.App.Services.GetRequiredService<IOptions<WeChatSimulatorOptions>>().Value.DatabasePath);
        Assert.Equal(1, await sim.QuerySimulatorAsync(db => db.Trades.CountAsync(t => t.OutTradeNo == order.OutTradeNo)));
        Assert.Subset((await TablesAsync(file)).ToHashSet(), Tables.ToHashSet());
        Assert.Empty((await TablesAsync(sim.App.DatabasePath)).Intersect(Tables));
        Assert.Equal("wal", (await sim.QuerySimulatorAsync(db => db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync())).Single());
    }

    [Fact]
    public async Task Its_migrations_apply_to_an_empty_file_and_match_its_model()
    {
        var path = Path.Combine(Path.GetTempPath(), $"luffy-wechat-simulator-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = new WeChatSimulatorDbContext(new DbContextOptionsBuilder<WeChatSimulatorDbContext>().UseSqlite($"Data Source={path}").Options);

            await db.Database.MigrateAsync();

            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(),
                "the WeChat Pay simulator's model has changes that no migration captures: add one (docs/simulator.md)");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void With_the_simulator_off_it_has_no_database_at_all()
    {
        using var app = new LuffyAppFactory();
        app.CreateClient();

        Assert.Null(app.Services.GetService<IDbContextFactory<WeChatSimulatorDbContext>>());
        Assert.False(File.Exists(Path.Combine(app.Root, WeChatSimulatorOptions.DefaultDatabaseFile)));
    }

    [Fact]
    public async Task A_restarted_app_finds_the_paid_trade_and_delivers_the_notify_that_was_still_due()
    {
        // The same school restarted: one database, keys folder and simulator file, the same address.
        var folder = Path.Combine(Path.GetTempPath(), "luffy-tests", $"wechat-restart-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(folder, "luffy.db")}",
            ["Keys:Directory"] = Path.Combine(folder, "keys"),
            ["WeChatPay:Simulator:DatabasePath"] = Path.Combine(folder, "wechat-simulator.db"),
        };
        try
        {
            Order order;
            string token;
            int port;
            using (var before = new WeChatSimulatorApp(settings))
            {
                port = before.Port;
                (order, var started) = await before.StartAsync(1);
                token = started.CodeUrl!.Split("pr=")[1];
                using var paid = await before.PayAsync(started, "pay", ("fault", "Delay"), ("delay", "12"));
                Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
            }

            // While no app runs, the file holds the paid trade and its notify, still due twelve seconds after payment.
            await using (var file = new WeChatSimulatorDbContext(new DbContextOptionsBuilder<WeChatSimulatorDbContext>()
                .UseSqlite($"Data Source={settings["WeChatPay:Simulator:DatabasePath"]};Pooling=False").Options))
            {
                var trade = await file.Trades.AsNoTracking().SingleAsync(t => t.OutTradeNo == order.OutTradeNo);
                var waiting = await file.Notifications.AsNoTracking().SingleAsync(n => n.OutTradeNo == order.OutTradeNo);
                Assert.Equal(("SUCCESS", 0, NotificationState.Pending), (trade.TradeState, waiting.Attempts, waiting.State));
                Assert.Equal(trade.SuccessTime!.Value.AddSeconds(12), waiting.NextAttemptAt);
            }

            using var after = new WeChatSimulatorApp(settings, port);
            Assert.Contains("订单已支付", WebUtility.HtmlDecode(await after.Browser().GetStringAsync($"dev/wechatpay/pay/{token}")));

            var done = await after.App.WaitForAsync(order.OutTradeNo, o => o.Status == OrderStatus.Paid, seconds: 45);

            Assert.StartsWith("42000", done.TradeNo);
            // The simulator records the 204 a moment after the shop has applied the notify.
            await WeChatSimulatorApp.WaitUntilAsync(async () => Assert.Single(await after.NotificationsAsync(order.OutTradeNo)).State == NotificationState.Delivered);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
