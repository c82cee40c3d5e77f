using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Admin.Dashboard;
using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Local;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Bench;

/// <summary>
/// <c>orders-grid [--orders 100000] [--db path] [--runs 15]</c>: seeds demo orders into a SQLite database (a
/// temporary one unless <c>--db</c> names one to keep) with the app's own seeder, then times the admin orders
/// grid's loads (count and totals of the filtered set, the page's ids, its rows) as the page runs them, plus the
/// dashboard and a full CSV export. A plain stopwatch: the figures are wall-clock times of whole loads.
/// </summary>
public static class OrdersGridReport
{
    private const double TargetMs = 50;

    public static async Task RunAsync(string[] args)
    {
        var orders = int.Parse(Option(args, "--orders") ?? "100000", CultureInfo.InvariantCulture);
        var runs = int.Parse(Option(args, "--runs") ?? "15", CultureInfo.InvariantCulture);
        var path = Option(args, "--db") ?? Path.Combine(Path.GetTempPath(), $"luffy-bench-{Guid.NewGuid():N}.db");
        var temporary = Option(args, "--db") is null;
        try
        {
            await using var services = Services(path);
            await PrepareAsync(services, orders);
            await MeasureAsync(services, runs);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (temporary)
            {
                foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"))
                {
                    File.Delete(file);
                }
            }
        }
    }

    internal static ServiceProvider Services(string path)
    {
        var root = Path.Combine(Path.GetTempPath(), "luffy-bench-media");
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SqlitePragmaInterceptor>();
        services.AddPooledDbContextFactory<SqliteLuffyDbContext>((sp, o) =>
            o.UseSqlite(DatabaseSetup.ResolveSqliteConnectionString($"Data Source={path}", root)).AddInterceptors(sp.GetRequiredService<SqlitePragmaInterceptor>()));
        services.AddSingleton<IDbContextFactory<LuffyDbContext>, LuffyContextFactory<SqliteLuffyDbContext>>();
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContext());
        services.AddSingleton<IPasswordHasher<ApplicationUser>, PasswordHasher<ApplicationUser>>();
        services.AddSingleton<IFileStore>(new LocalFileStore(Options.Create(new LocalStorageOptions { Root = root }), new HostingEnvironment { ContentRootPath = root }, TimeProvider.System));
        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<OrderGridQuery>();
        services.AddScoped<OrderCsvExport>();
        services.AddScoped<NotifyLogQuery>();
        services.AddScoped<DashboardQueries>();
        return services.BuildServiceProvider();
    }

    private static async Task PrepareAsync(IServiceProvider services, int orders)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        await DatabaseInitializer.MigrateAsync(db, NullLogger.Instance, CancellationToken.None);
        // The demo catalogue without its media (no assets folder here): the orders only need the courses.
        await new CatalogueSeeder(db, scope.ServiceProvider.GetRequiredService<IFileStore>(), Options.Create(new SeedOptions { AssetsPath = "no-media" }),
            Options.Create(new DatabaseOptions()), new HostingEnvironment { ContentRootPath = Path.GetTempPath() }, NullLogger<CatalogueSeeder>.Instance)
            .SeedAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>().SeedAsync(orders, Console.WriteLine);
        // As a long-running server's database would be: statistics gathered for the query planner.
        await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;");
    }

    private static async Task MeasureAsync(IServiceProvider services, int runs)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var someNumber = await FirstAsync(services, db => db.Orders.OrderBy(o => o.Id).Skip(5000).Select(o => o.OutTradeNo).FirstAsync());
        var someUser = await FirstAsync(services, db => db.Users.Where(u => u.UserName == DemoDataSeeder.UserPrefix + "00042").Select(u => u.UserName!).FirstAsync());
        var total = await FirstAsync(services, db => db.Orders.CountAsync());
        var lastPage = (total - 1) / 20;

        Console.WriteLine();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; {total:N0} orders; median of {runs} runs after 2 warm-ups");
        Console.WriteLine();
        Console.WriteLine("| orders grid load (20 rows + count and totals of the filtered set) | median | slowest | CPU, median | target |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        await GridAsync(services, runs, "first page, newest first", OrderGridFilter.None, OrderSort.Default, 0);
        await GridAsync(services, runs, "sorted by amount, largest first", OrderGridFilter.None, new(OrderSortColumn.TotalAmount, true), 0);
        await GridAsync(services, runs, "sorted by payment time, oldest first", OrderGridFilter.None, new(OrderSortColumn.PayTime, false), 0);
        await GridAsync(services, runs, "filtered: paid, last 30 days", new() { Status = OrderStatus.Paid, From = today.AddDays(-29), To = today }, OrderSort.Default, 0);
        await GridAsync(services, runs, "filtered: refunded, sorted by amount", new() { Status = OrderStatus.Refunded }, new(OrderSortColumn.TotalAmount, true), 0);
        await GridAsync(services, runs, "filtered: one learner", new() { User = someUser }, OrderSort.Default, 0);
        await GridAsync(services, runs, "filtered: part of a learner's name (\"demo-0004\", 10 learners)", new() { User = someUser[..^1] }, OrderSort.Default, 0);
        await GridAsync(services, runs, "filtered: part of every learner's name (\"demo\", 25,000 learners)", new() { User = "demo" }, OrderSort.Default, 0);
        await GridAsync(services, runs, "search: a course name (\"Go 语言\", 1 course)", new() { Search = "Go 语言" }, OrderSort.Default, 0);
        await GridAsync(services, runs, "search: a course name (\"Python\", 4 courses, a third of all orders)", new() { Search = "Python" }, OrderSort.Default, 0);
        await GridAsync(services, runs, "search: out_trade_no prefix", new() { Search = someNumber[..20] }, OrderSort.Default, 0);
        await GridAsync(services, runs, "filtered: paid after timeout", new() { PaidAfterCloseOnly = true }, OrderSort.Default, 0);
        await GridAsync(services, runs, "last page, newest first", OrderGridFilter.None, OrderSort.Default, lastPage);
        await GridAsync(services, runs, "last page, sorted by amount", OrderGridFilter.None, new(OrderSortColumn.TotalAmount, true), lastPage);
        await GridAsync(services, runs, "middle page", OrderGridFilter.None, OrderSort.Default, lastPage / 2);

        // The count and sums alone (OrderGridQuery.TotalsAsync), the part of a load that reads the whole filtered set.
        Console.WriteLine();
        Console.WriteLine("| count and totals of the filtered set alone | median | slowest | CPU, median |");
        Console.WriteLine("|---|---:|---:|---:|");
        await TotalsAsync(services, runs, "all orders", OrderGridFilter.None);
        await TotalsAsync(services, runs, "paid, last 30 days", new() { Status = OrderStatus.Paid, From = today.AddDays(-29), To = today });
        await TotalsAsync(services, runs, "search \"Python\" (a third of all orders)", new() { Search = "Python" });
        await TotalsAsync(services, runs, "part of every learner's name (\"demo\")", new() { User = "demo" });

        Console.WriteLine();
        Console.WriteLine("| other admin loads | median | slowest | CPU, median |");
        Console.WriteLine("|---|---:|---:|---:|");
        await TimeAsync(services, runs, "dashboard (revenue, counts, 30-day chart, top courses, rejected notifies)", null,
            sp => sp.GetRequiredService<DashboardQueries>().LoadAsync());
        await TimeAsync(services, runs, "notify log, first page", null,
            sp => sp.GetRequiredService<NotifyLogQuery>().PageAsync(new NotifyFilter(), 0, 20));
        await TimeAsync(services, 3, $"CSV export of all {total:N0} orders (streamed)", null,
            sp => sp.GetRequiredService<OrderCsvExport>().WriteAsync(OrderGridFilter.None, Stream.Null));
    }

    private static Task GridAsync(IServiceProvider services, int runs, string label, OrderGridFilter filter, OrderSort sort, int page) =>
        TimeAsync(services, runs, label, TargetMs, async sp =>
        {
            var result = await sp.GetRequiredService<OrderGridQuery>().PageAsync(filter, sort, page, 20);
            if (result.Rows.Count == 0 && result.Totals.Count > 0)
            {
                throw new InvalidOperationException($"{label}: an empty page of a non-empty set");
            }
        });

    private static Task TotalsAsync(IServiceProvider services, int runs, string label, OrderGridFilter filter) =>
        TimeAsync(services, runs, label, null, async sp =>
        {
            var db = sp.GetRequiredService<LuffyDbContext>();
            var orders = await OrderFilters.ApplyAsync(db, filter, CancellationToken.None);
            await OrderGridQuery.TotalsAsync(db, orders.ForTotals, CancellationToken.None);
        });

    private static async Task TimeAsync(IServiceProvider services, int runs, string label, double? targetMs, Func<IServiceProvider, Task> load)
    {
        var (times, cpu) = (new List<double>(), new List<double>());
        for (var i = 0; i < runs + 2; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var watch = Stopwatch.StartNew();
            await load(scope.ServiceProvider);
            if (i >= 2)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
                cpu.Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds);
            }
        }

        times.Sort();
        cpu.Sort();
        var median = times[times.Count / 2];
        var target = targetMs is { } t ? $" | < {t:0} ms {(median < t ? "✓" : "✗")}" : "";
        // The process's CPU time (getrusage: SQLite runs in it, and background GC/JIT threads count too) says what a load costs even when other work shares the cores.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {median:0.0} ms | {times[^1]:0.0} ms | {cpu[cpu.Count / 2]:0.0} ms{target} |"));
    }

    private static async Task<T> FirstAsync<T>(IServiceProvider services, Func<LuffyDbContext, Task<T>> query)
    {
        await using var scope = services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<LuffyDbContext>());
    }

    internal static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
