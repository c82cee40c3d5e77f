using System.Net;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Account;

/// <summary>
/// Five failed log-ins lock an account for five minutes. Identity's UserManager reads the wall clock
/// (DateTimeOffset.UtcNow), not TimeProvider, so time cannot be faked: "five minutes later" is played by moving
/// the stored lockout end back, which is what the clock moving forward looks like to Identity.
/// </summary>
public sealed class LockoutTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private static readonly TimeSpan LockoutLength = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Five_failed_log_ins_lock_the_account_for_five_minutes_then_the_right_password_works_again()
    {
        var client = app.CreateClient();
        await client.RegisterAsync("lockedapi", "secret-pass-1");

        var before = DateTimeOffset.UtcNow;
        await FailLogInsThroughTheApiAsync(client, "lockedapi", times: 5);
        var after = DateTimeOffset.UtcNow;

        var lockoutEnd = await LockoutEndAsync("lockedapi");
        Assert.InRange(lockoutEnd, before + LockoutLength, after + LockoutLength);

        await PassTimeAsync("lockedapi", TimeSpan.FromMinutes(4));
        var (stillLocked, refusal) = await client.PostJsonAsync("/api/v1/user/login/", new { username = "lockedapi", password = "secret-pass-1" });
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked);
        Assert.Contains("账户已锁定", refusal.GetProperty("msg").GetString());

        await PassTimeAsync("lockedapi", TimeSpan.FromMinutes(1));
        var token = await client.LoginForTokenAsync("lockedapi", "secret-pass-1");
        Assert.NotEmpty(token);
    }

    [Fact]
    public async Task Five_failed_log_ins_on_the_page_lock_the_account_and_the_page_says_for_how_long()
    {
        await app.CreateClient().RegisterAsync("lockedpage", "secret-pass-2");
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var failed = await browser.LoginThroughPageAsync("lockedpage", "wrong-pass-2");
            Assert.True(failed.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"attempt {attempt}: {failed.StatusCode}");
        }

        var response = await browser.LoginThroughPageAsync("lockedpage", "secret-pass-2");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Lockout", response.Headers.Location?.AbsolutePath);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("luffy.auth=", StringComparison.Ordinal)));
        var lockoutPage = WebUtility.HtmlDecode(await browser.GetStringAsync("/Account/Lockout"));
        Assert.Contains("账户已暂时锁定", lockoutPage);
        Assert.Contains("5 分钟后再试", lockoutPage);
        Assert.True(await LockoutEndAsync("lockedpage") > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(4));
    }

    private static async Task FailLogInsThroughTheApiAsync(HttpClient client, string username, int times)
    {
        for (var attempt = 0; attempt < times; attempt++)
        {
            var (code, _) = await client.PostJsonAsync("/api/v1/user/login/", new { username, password = "wrong-pass-1" });
            Assert.True(code is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests, $"attempt {attempt}: {code}");
        }
    }

    private async Task<DateTimeOffset> LockoutEndAsync(string username)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByNameAsync(username);
        return Assert.NotNull(user!.LockoutEnd);
    }

    private async Task PassTimeAsync(string username, TimeSpan elapsed)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByNameAsync(username))!;
        var result = await users.SetLockoutEndDateAsync(user, user.LockoutEnd!.Value - elapsed);
        Assert.True(result.Succeeded);
    }
}
