using System.Net;
using LuffyBlazor.Features.Account.LogIn;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Users;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Account;

/// <summary>The log-in lock-out of two instances on one PostgreSQL database: one count, kept in the database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LockoutPostgresTests(PostgresServer postgres)
{
    private Dictionary<string, string?> Settings(string database, int maxFailures = 5) => new()
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Default"] = postgres.ConnectionString(database),
        ["ForwardedHeaders_Enabled"] = "true",
        ["Security:Lockout:MaxFailures"] = maxFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static async Task<HttpStatusCode> LogInAsync(HttpClient client, string username, string password) =>
        (await client.PostJsonAsync("/api/v1/user/login/", new { username, password })).Code;

    [Fact]
    public async Task Failures_sent_to_two_instances_add_up_to_one_lock_out()
    {
        var settings = Settings("luffy_" + Guid.NewGuid().ToString("N")[..12]);
        using var first = new LuffyAppFactory(settings);
        using var second = new LuffyAppFactory(settings);
        var (_, name) = await first.CreateLearnerAsync();
        HttpClient[] attacker = [first.ClientFrom("203.0.113.7"), second.ClientFrom("203.0.113.7")];

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            codes.Add(await LogInAsync(attacker[i % 2], name, "wrong-pass-1"));
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 4), HttpStatusCode.TooManyRequests], codes);
        Assert.Equal(HttpStatusCode.TooManyRequests, await LogInAsync(attacker[0], name, AppScenarios.LearnerPassword));
        Assert.Equal(HttpStatusCode.OK, await LogInAsync(second.ClientFrom("198.51.100.20"), name, AppScenarios.LearnerPassword));
    }

    [Fact]
    public async Task Failures_racing_on_two_instances_are_each_counted_once()
    {
        // No lock and no back-off get in the way here: every failure must be counted.
        var settings = Settings("luffy_" + Guid.NewGuid().ToString("N")[..12], maxFailures: 100);
        settings["Security:Lockout:AccountFreeFailures"] = "1000";
        using var first = new LuffyAppFactory(settings);
        using var second = new LuffyAppFactory(settings);
        var (id, name) = await first.CreateLearnerAsync();
        string[] addresses = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"];
        var clients = addresses.SelectMany(a => new[] { first.ClientFrom(a), second.ClientFrom(a) }).ToArray();

        var codes = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => LogInAsync(clients[i % clients.Length], name, "wrong-pass-1")));

        Assert.All(codes, code => Assert.Equal(HttpStatusCode.BadRequest, code));
        var rows = await first.QueryAsync(db => db.LogInThrottles.AsNoTracking().Where(t => t.Account == "u:" + id).ToDictionaryAsync(t => t.Address, t => t.Failures));
        Assert.Equal(40, rows[LogInThrottle.Anywhere]);
        Assert.All(addresses, a => Assert.Equal(10, rows[a]));
    }

    [Fact]
    public async Task A_lock_made_on_one_instance_ends_the_learners_token_on_the_other()
    {
        // No stamp cache: the other instance reads the stamp and lock-out from PostgreSQL on every request.
        var settings = Settings("luffy_" + Guid.NewGuid().ToString("N")[..12]);
        settings["Security:Sessions:StampCacheDuration"] = "00:00:00";
        using var first = new LuffyAppFactory(settings);
        using var second = new LuffyAppFactory(settings);
        var (id, name) = await first.CreateLearnerAsync();
        var token = await first.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword);
        var api = second.CreateClient().WithBearer(token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetJsonAsync("/api/v1/user/me/")).Code);

        var admin = await first.AdminAsync();
        var outcome = await first.WithAsync<UserAdmin, AdminActionOutcome>(users => users.SetLockedAsync(id, true, "盗号", admin));
        Assert.True(outcome.Succeeded, outcome.Message);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetJsonAsync("/api/v1/user/me/")).Code);
    }
}
