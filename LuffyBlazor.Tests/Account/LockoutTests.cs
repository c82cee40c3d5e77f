using System.Net;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Account.LogIn;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Users;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Account;

/// <summary>
/// The app with a fake clock and a password hasher that counts its checks, taking the client's address from
/// <c>X-Forwarded-For</c> (as behind nginx) so that each test can play several addresses.
/// </summary>
public sealed class LockoutApp : LuffyAppFactory
{
    public LockoutApp() : base(new Dictionary<string, string?> { ["ForwardedHeaders_Enabled"] = "true" }) =>
        TestServices = services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton(Hasher);
            services.AddScoped<IPasswordHasher<ApplicationUser>>(_ => Hasher);
        };

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public CountingPasswordHasher Hasher { get; } = new();

    public HttpClient From(string address) => this.ClientFrom(address);
}

/// <summary>Identity's hasher, counting how often a password is checked.</summary>
public sealed class CountingPasswordHasher : IPasswordHasher<ApplicationUser>
{
    private readonly PasswordHasher<ApplicationUser> inner = new();
    private int checks;

    public int Checks => Volatile.Read(ref checks);

    public string HashPassword(ApplicationUser user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref checks);
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

public sealed class LockoutTests(LockoutApp app) : IClassFixture<LockoutApp>
{
    private const string Attacker = "203.0.113.7";
    private const string Owner = "198.51.100.20";

    private static Task<(HttpStatusCode Code, System.Text.Json.JsonElement Body)> LogInAsync(HttpClient client, string username, string password) =>
        client.PostJsonAsync("/api/v1/user/login/", new { username, password });

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_that_address_only_and_for_five_minutes()
    {
        var (_, name) = await app.CreateLearnerAsync();
        var attacker = app.From(Attacker);

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            codes.Add((await LogInAsync(attacker, name, "wrong-pass-1")).Code);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 4), HttpStatusCode.TooManyRequests], codes);
        var (locked, refusal) = await LogInAsync(attacker, name, AppScenarios.LearnerPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked);
        Assert.Equal("登录失败次数过多，该账号已在你当前的网络上暂时锁定，请 5 分钟后再试", refusal.GetProperty("msg").GetString());

        using (var raw = await attacker.PostAsync("/api/v1/user/login/", System.Net.Http.Json.JsonContent.Create(new { username = name, password = "x" })))
        {
            Assert.Equal("300", raw.Headers.GetValues("Retry-After").Single());
        }

        Assert.Equal(HttpStatusCode.OK, (await LogInAsync(app.From(Owner), name, AppScenarios.LearnerPassword)).Code);

        app.Clock.Advance(TimeSpan.FromMinutes(4));
        var (stillLocked, later) = await LogInAsync(attacker, name, AppScenarios.LearnerPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked);
        Assert.Contains("请 1 分钟后再试", later.GetProperty("msg").GetString());
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await LogInAsync(attacker, name, AppScenarios.LearnerPassword)).Code);
    }

    [Fact]
    public async Task Five_anonymous_wrong_passwords_on_the_page_do_not_lock_the_admin_out()
    {
        var attacker = app.From(Attacker);
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await attacker.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, "guess-" + i);
        }

        Assert.Equal(HttpStatusCode.Redirect, last!.StatusCode);
        Assert.Equal("/Account/Lockout?minutes=5", last.Headers.Location!.PathAndQuery);
        var lockoutPage = WebUtility.HtmlDecode(await attacker.GetStringAsync(last.Headers.Location));
        Assert.Contains("请 5 分钟后再试", lockoutPage);
        Assert.Contains("href=\"Account/Login\"", lockoutPage);

        var admin = await app.From("192.0.2.55").LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        Assert.Equal("/", admin.Headers.Location!.AbsolutePath);
        Assert.Contains(admin.Headers.GetValues("Set-Cookie"), c => c.StartsWith("luffy.auth=", StringComparison.Ordinal));
        Assert.Null(await app.QueryAsync(db => db.Users.Where(u => u.UserName == LuffyAppFactory.AdminUserName).Select(u => u.LockoutEnd).SingleAsync()));
    }

    [Fact]
    public async Task An_account_attacked_from_many_addresses_backs_off_but_lets_its_known_address_in_and_everyone_in_after_the_wait()
    {
        var (_, name) = await app.CreateLearnerAsync();
        Assert.Equal(HttpStatusCode.OK, (await LogInAsync(app.From(Owner), name, AppScenarios.LearnerPassword)).Code);

        // Eleven addresses, one guess each: no address is locked, the account now makes strangers wait a second.
        for (var i = 1; i <= 11; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await LogInAsync(app.From($"203.0.113.{i}"), name, "guess-" + i)).Code);
        }

        var checks = app.Hasher.Checks;
        var (slowed, body) = await LogInAsync(app.From("203.0.113.200"), name, "guess-12");
        Assert.Equal(HttpStatusCode.TooManyRequests, slowed);
        Assert.Equal("该账号近期登录失败次数过多，请 1 秒后再试", body.GetProperty("msg").GetString());
        Assert.Equal(checks, app.Hasher.Checks);

        Assert.Equal(HttpStatusCode.OK, (await LogInAsync(app.From(Owner), name, AppScenarios.LearnerPassword)).Code);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LogInAsync(app.From("100.64.0.9"), name, AppScenarios.LearnerPassword)).Code);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await LogInAsync(app.From("100.64.0.9"), name, AppScenarios.LearnerPassword)).Code);
    }

    [Fact]
    public async Task Failures_are_forgotten_after_a_quiet_quarter_of_an_hour()
    {
        var (_, name) = await app.CreateLearnerAsync();
        var client = app.From(Attacker);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await LogInAsync(client, name, "typo-1")).Code);
        }

        app.Clock.Advance(TimeSpan.FromMinutes(15));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await LogInAsync(client, name, "typo-2")).Code);
        }

        Assert.Equal(HttpStatusCode.OK, (await LogInAsync(client, name, AppScenarios.LearnerPassword)).Code);
    }

    [Fact]
    public async Task An_unknown_name_costs_one_password_check_like_a_wrong_password_and_is_locked_like_a_real_account()
    {
        var (_, name) = await app.CreateLearnerAsync();
        var (_, other) = await app.CreateLearnerAsync();

        async Task<(int Checks, HttpStatusCode Code, string? Msg)> TryAsync(string address, string user, string password)
        {
            var before = app.Hasher.Checks;
            var (code, body) = await LogInAsync(app.From(address), user, password);
            return (app.Hasher.Checks - before, code, body.GetProperty("msg").GetString());
        }

        var wrongPassword = (1, HttpStatusCode.BadRequest, "用户名或密码错误");
        Assert.Equal(wrongPassword, await TryAsync("203.0.113.97", name, "wrong-pass-1"));
        Assert.Equal(wrongPassword, await TryAsync("203.0.113.97", "nobody-" + name, "wrong-pass-1"));
        Assert.Equal(wrongPassword, await TryAsync("203.0.113.97", "nobody-" + name + "@example.com", "wrong-pass-1"));

        var unknown = new List<(int, HttpStatusCode, string?)>();
        var known = new List<(int, HttpStatusCode, string?)>();
        for (var i = 0; i < 5; i++)
        {
            unknown.Add(await TryAsync("203.0.113.98", "ghost-" + name, "wrong-pass-1"));
            known.Add(await TryAsync("203.0.113.99", other + "@example.com", "wrong-pass-1"));
        }

        Assert.Equal(known, unknown);
        Assert.Equal((1, HttpStatusCode.TooManyRequests), (unknown[^1].Item1, unknown[^1].Item2));
        var refused = await TryAsync("203.0.113.98", "ghost-" + name, "anything-1");
        Assert.Equal((0, HttpStatusCode.TooManyRequests), (refused.Checks, refused.Code));
        Assert.Equal(1, (await TryAsync("203.0.113.97", name, AppScenarios.LearnerPassword)).Checks);
    }

    [Fact]
    public async Task An_account_locked_by_an_admin_is_told_so_on_the_page_and_the_api_once_the_password_is_right()
    {
        var (id, name) = await app.CreateLearnerAsync();
        var admin = await app.AdminAsync();
        Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetLockedAsync(id, true, "违规", admin))).Succeeded);
        var client = app.From(Owner);

        var (wrong, wrongBody) = await LogInAsync(client, name, "wrong-pass-1");
        var (right, rightBody) = await LogInAsync(client, name, AppScenarios.LearnerPassword);
        var page = await client.LoginThroughPageAsync(name, AppScenarios.LearnerPassword);

        Assert.Equal((HttpStatusCode.BadRequest, "用户名或密码错误"), (wrong, wrongBody.GetProperty("msg").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, right);
        Assert.Equal(104, rightBody.GetProperty("status").GetInt32());
        Assert.Equal("该账号已被管理员锁定，无法登录。如有疑问，请联系管理员", rightBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("错误：该账号已被管理员锁定", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()));
        Assert.False(page.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("luffy.auth=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Old_rows_are_cleared_out_and_recent_ones_kept()
    {
        var throttles = app.Services.GetRequiredService<LogInThrottles>();
        var now = app.Clock.GetUtcNow();
        var account = "n:CLEANUP-" + Guid.NewGuid().ToString("N");
        await throttles.CountFailureAsync(account, "old-failure", now - TimeSpan.FromMinutes(16));
        await throttles.CountFailureAsync(account, "recent-failure", now - TimeSpan.FromMinutes(14));
        await throttles.RecordSuccessAsync(account, "known", now - TimeSpan.FromDays(29));
        await throttles.RecordSuccessAsync(account, "forgotten", now - TimeSpan.FromDays(31));

        await throttles.DeleteStaleAsync(now);

        var left = await app.QueryAsync(db => db.LogInThrottles.Where(t => t.Account == account).Select(t => t.Address).OrderBy(a => a).ToListAsync());
        Assert.Equal(["", "known", "recent-failure"], left);
    }
}

public sealed class LogInLockoutOptionsTests
{
    [Fact]
    public void The_account_back_off_starts_after_the_free_failures_and_doubles_up_to_its_cap()
    {
        var options = new LogInLockoutOptions();

        var delays = new[] { 10, 11, 12, 13, 16, 17, 18, 1000 }.Select(f => options.AccountDelay(f).TotalSeconds);

        Assert.Equal([0, 1, 2, 4, 32, 60, 60, 60], delays);
    }
}
