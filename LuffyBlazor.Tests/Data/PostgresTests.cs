using System.Net;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Data;

/// <summary>The app on a real PostgreSQL server, alone and as two instances sharing one database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTests(PostgresServer postgres)
{
    private Dictionary<string, string?> Settings(string database) => new()
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Default"] = postgres.ConnectionString(database),
    };

    private static string NewDatabase() => "luffy_" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task The_postgres_migrations_apply_to_an_empty_database_and_match_the_model()
    {
        var options = new DbContextOptionsBuilder<PostgresLuffyDbContext>().UseNpgsql(postgres.ConnectionString(NewDatabase())).Options;
        await using var db = new PostgresLuffyDbContext(options);

        await DatabaseInitializer.MigrateAsync(db, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes that no PostgreSQL migration captures: add one (README, \"Database\")");
        Assert.Equal(0, await db.Courses.CountAsync());
    }

    [Fact]
    public async Task The_app_runs_on_postgres_seeds_its_catalogue_and_serves_it()
    {
        using var app = new LuffyAppFactory(Settings(NewDatabase()));

        var (code, body) = await app.CreateClient().GetJsonAsync("/api/v1/course/?size=100");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(15, body.GetProperty("data").GetArrayLength());
        Assert.Contains("Npgsql", app.Services.GetRequiredService<LuffyDbContext>().Database.ProviderName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_instances_starting_at_once_on_an_empty_database_both_come_up_and_seed_it_once(bool migratedBeforehand)
    {
        var settings = Settings(NewDatabase());
        if (migratedBeforehand)
        {
            // `dotnet LuffyBlazor.dll migrate` first, then instances that only seed.
            await using var db = new PostgresLuffyDbContext(new DbContextOptionsBuilder<PostgresLuffyDbContext>().UseNpgsql(settings["ConnectionStrings:Default"]).Options);
            await DatabaseInitializer.MigrateAsync(db, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
            settings["Database:MigrateOnStartup"] = "false";
        }

        using var first = new LuffyAppFactory(settings);
        using var second = new LuffyAppFactory(settings);

        // As `systemctl enable --now luffyblazor@5001 luffyblazor@5002` starts them: both migrate and seed at once.
        await Task.WhenAll(Task.Run(() => first.CreateClient().Dispose()), Task.Run(() => second.CreateClient().Dispose()));

        Assert.Equal(CatalogueSeedData.Courses.Length, await first.QueryAsync(db => db.Courses.CountAsync()));
        Assert.Equal(CatalogueSeedData.Categories.Length, await second.QueryAsync(db => db.CourseCategories.CountAsync()));
        Assert.Equal(1, await first.QueryAsync(db => db.Roles.CountAsync(r => r.Name == Roles.Admin)));
        Assert.Equal(1, await second.QueryAsync(db => db.Users.CountAsync(u => u.Email == LuffyAppFactory.AdminEmail)));
        Assert.Equal(HttpStatusCode.OK, (await second.CreateClient().GetJsonAsync("/api/v1/course/")).Item1);
    }

    [Fact]
    public async Task Fifty_concurrent_notifies_on_postgres_pay_once_and_a_forged_one_is_refused()
    {
        using var app = new LuffyAppFactory(Settings(NewDatabase()));
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 3);
        var form = NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed();

        var forged = await app.CreateClient().PostNotifyAsync(NotifyForms.Paid(order.OutTradeNo, order.TotalAmount).Signed(AlipayTestKeys.AppPrivateKey));
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => app.CreateClient().PostNotifyAsync(form)));

        Assert.Equal("failure", forged);
        Assert.All(answers, a => Assert.Equal("success", a));
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == order.Id && c.To == OrderStatus.Paid)));
        Assert.Equal(51, await app.QueryAsync(db => db.NotifyLogs.CountAsync(l => l.OutTradeNo == order.OutTradeNo)));
    }

    [Fact]
    public async Task Two_orders_of_one_learner_sharing_a_course_paid_at_once_on_postgres_grant_and_count_it_once()
    {
        using var app = new LuffyAppFactory(Settings(NewDatabase()));
        var pairs = new List<(Order Alone, Order Cart)>();
        for (var i = 0; i < 6; i++)
        {
            var (learner, _) = await app.CreateLearnerAsync();
            pairs.Add((await app.PlaceOrderAsync(learner, 5), await app.PlaceOrderAsync(learner, 5, 6)));
        }

        var studentsBefore = await app.QueryAsync(db => db.Courses.Where(c => c.Id == 5 || c.Id == 6).SumAsync(c => c.StudentsCount));

        // Each learner's two orders, three copies of each notify, all at once: the two payments race for course 5.
        var answers = await Task.WhenAll(pairs.SelectMany(p => new[] { p.Alone, p.Cart }).SelectMany(o =>
        {
            var form = NotifyForms.Paid(o.OutTradeNo, o.TotalAmount).Signed();
            return Enumerable.Range(0, 3).Select(_ => app.CreateClient().PostNotifyAsync(form));
        }));

        Assert.All(answers, a => Assert.Equal("success", a));
        foreach (var (alone, cart) in pairs)
        {
            var orders = new[] { await app.OrderAsync(alone.OutTradeNo), await app.OrderAsync(cart.OutTradeNo) };
            Assert.All(orders, o => Assert.Equal(OrderStatus.Paid, o.Status));
            Assert.Single(orders, o => o.DuplicatePurchase);
            Assert.Equal([5, 6], await app.QueryAsync(db => db.CourseOwnerships.Where(x => x.UserId == alone.UserId).Select(x => x.CourseId).OrderBy(id => id).ToListAsync()));
        }

        Assert.Equal(studentsBefore + 12, await app.QueryAsync(db => db.Courses.Where(c => c.Id == 5 || c.Id == 6).SumAsync(c => c.StudentsCount)));
        Assert.Equal(0, await app.QueryAsync(db => db.NotifyLogs.CountAsync(l => l.Verdict == Features.Orders.Payments.NotifyVerdict.Rejected)));
    }

    [Fact]
    public async Task Racing_buy_clicks_on_postgres_make_one_order()
    {
        using var app = new LuffyAppFactory(Settings(NewDatabase()));
        var (learner, _) = await app.CreateLearnerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<OrderService>().PlaceOrderAsync(learner, [4, 5]);
        }));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Single(results.Select(r => r.Order!.OutTradeNo).Distinct());
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == learner)));
    }

    [Fact]
    public async Task A_subject_longer_than_the_column_is_cut_to_fit_it_on_postgres_between_whole_characters()
    {
        using var app = new LuffyAppFactory(Settings(NewDatabase()));
        var (learner, _) = await app.CreateLearnerAsync();
        var subject = new string('课', 254) + "𠀀𠀁" + "👍🏽" + new string('x', 40); // surrogate pairs across the limit

        PlaceOrderResult placed;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            placed = await scope.ServiceProvider.GetRequiredService<OrderService>().PlaceOrderAsync(learner, [4], subject: subject);
        }

        Assert.True(placed.Succeeded, placed.Error);
        var stored = (await app.OrderAsync(placed.Order!.OutTradeNo)).Subject;
        Assert.Equal(new string('课', 254) + "𠀀", stored);
    }

    [Fact]
    public async Task Two_instances_on_one_database_pay_each_order_exactly_once_and_accept_each_others_cookies()
    {
        var database = NewDatabase();
        using var first = new LuffyAppFactory(Settings(database));
        first.CreateClient();
        using var second = new LuffyAppFactory(Settings(database));
        var orders = new List<Order>();
        for (var i = 0; i < 10; i++)
        {
            var (learner, _) = await first.CreateLearnerAsync();
            orders.Add(await first.PlaceOrderAsync(learner, 1 + i));
        }

        // Every order's notify five times through each instance, all at once.
        var answers = await Task.WhenAll(orders.SelectMany(o =>
        {
            var form = NotifyForms.Paid(o.OutTradeNo, o.TotalAmount).Signed();
            return Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? first : second).CreateClient().PostNotifyAsync(form));
        }));

        Assert.All(answers, a => Assert.Equal("success", a));
        var ids = orders.Select(o => o.Id).ToList();
        Assert.Equal(10, await first.QueryAsync(db => db.Orders.CountAsync(o => ids.Contains(o.Id) && o.Status == OrderStatus.Paid)));
        Assert.Equal(10, await second.QueryAsync(db => db.CourseOwnerships.CountAsync(x => ids.Contains(x.OrderId))));
        Assert.Equal(10, await second.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => ids.Contains(c.OrderId) && c.To == OrderStatus.Paid)));

        // The log-in cookie one instance issues opens the other's pages: one data protection key ring, in the database.
        var (_, name) = await first.CreateLearnerAsync("roaming");
        var cookies = new CookieContainer();
        using (var atFirst = first.CreateDefaultClient(new CookieHandler(cookies)))
        {
            Assert.Equal(HttpStatusCode.OK, (await atFirst.LoginThroughPageAsync(name, AppScenarios.LearnerPassword)).StatusCode);
        }

        using var atSecond = second.CreateDefaultClient(new CookieHandler(cookies));
        var page = await atSecond.GetAsync("/orders");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(name, WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Two_instances_sweeping_at_once_ask_alipay_about_each_expired_order_once()
    {
        await using var alipay = await ScriptedAlipay.StartAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = Settings(NewDatabase());
        settings["Alipay:Gateway"] = alipay.Url;
        settings["Orders:SweeperEnabled"] = "false";
        using var first = new LuffyAppFactory(settings) { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        first.CreateClient();
        using var second = new LuffyAppFactory(settings) { TestServices = s => s.AddSingleton<TimeProvider>(clock) };
        second.CreateClient();
        var orders = new List<Order>();
        for (var i = 0; i < 12; i++)
        {
            var (learner, _) = await first.CreateLearnerAsync();
            var order = await first.PlaceOrderAsync(learner, 1 + i);
            alipay.Trades[order.OutTradeNo] = ("WAIT_BUYER_PAY", order.TotalAmount);
            orders.Add(order);
        }

        clock.Advance(TimeSpan.FromMinutes(16));
        await Task.WhenAll(new[] { first, second, first, second }.Select(async app =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OrderTimeoutSweep>().SweepOnceAsync();
        }));

        foreach (var order in orders)
        {
            Assert.Equal(OrderStatus.TimedOut, (await second.OrderAsync(order.OutTradeNo)).Status);
            Assert.Equal((1, 1), (alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"), alipay.CallsFor(order.OutTradeNo, "alipay.trade.close")));
        }
    }

    /// <summary>Keeps cookies across clients of different in-memory servers (both are http://localhost).</summary>
    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var header = cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (var cookie in set)
                {
                    cookies.SetCookies(request.RequestUri!, cookie);
                }
            }

            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found && response.Headers.Location is { } location)
            {
                // Follow the post-log-in redirect by hand, carrying the cookies just set.
                var next = new HttpRequestMessage(HttpMethod.Get, new Uri(request.RequestUri!, location));
                response.Dispose();
                return await SendAsync(next, ct);
            }

            return response;
        }
    }
}
