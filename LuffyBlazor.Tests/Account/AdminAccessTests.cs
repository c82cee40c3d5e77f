using System.Net;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LuffyBlazor.Tests.Account;

public sealed class AdminAccessTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private HttpClient NewBrowser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_log_in_and_back_to_admin()
    {
        var response = await NewBrowser().GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2Fadmin", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task A_learner_without_the_admin_role_gets_a_403_page()
    {
        await app.CreateClient().RegisterAsync("learner", "secret-pass-1");
        var browser = NewBrowser();
        await browser.LoginThroughPageAsync("learner", "secret-pass-1");

        var response = await browser.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("无权访问", html);
        Assert.Contains("<title>无权访问 - 路飞学城</title>", html);
    }

    [Fact]
    public async Task The_seeded_admin_can_open_the_admin_area()
    {
        var browser = NewBrowser();
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminEmail, LuffyAppFactory.AdminPassword);

        var response = await browser.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("管理后台", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_admin_token_carries_the_admin_role()
    {
        var token = await app.CreateClient().LoginForTokenAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        var (_, me) = await app.CreateClient().WithBearer(token).GetJsonAsync("/api/v1/user/me/");

        Assert.Contains("Admin", me.GetProperty("data").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }
}

public sealed class AdminSeedingTests
{
    [Fact]
    public async Task Restarting_with_another_admin_password_keeps_one_admin_and_the_original_password()
    {
        using var first = new LuffyAppFactory();
        first.CreateClient();
        var sameDatabase = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={first.DatabasePath}",
            ["Admin:Password"] = "a-different-pass-9",
        };

        using (var second = new LuffyAppFactory(sameDatabase))
        {
            var client = second.CreateClient();
            await using var scope = second.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();

            var admins = await users.GetUsersInRoleAsync("Admin");
            Assert.Single(admins);
            var token = await client.LoginForTokenAsync(LuffyAppFactory.AdminEmail, LuffyAppFactory.AdminPassword);
            Assert.NotEmpty(token);
            var (code, _) = await client.PostJsonAsync("/api/v1/user/login/", new { username = LuffyAppFactory.AdminEmail, password = "a-different-pass-9" });
            Assert.Equal(HttpStatusCode.BadRequest, code);
        }
    }

    [Theory]
    [InlineData(LuffyAppFactory.AdminUserName, null)]
    [InlineData("squatter", LuffyAppFactory.AdminEmail)]
    public async Task An_account_that_took_the_admin_name_or_email_before_it_was_configured_is_never_made_an_admin(string username, string? email)
    {
        using var unconfigured = new LuffyAppFactory(new Dictionary<string, string?> { ["Admin:Email"] = "", ["Admin:Password"] = "" });
        await unconfigured.CreateClient().RegisterAsync(username, "learner-pass-1", email);
        var logs = new CapturedLogs();

        using var configured = new LuffyAppFactory(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = $"Data Source={unconfigured.DatabasePath}" })
        {
            TestServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };
        var client = configured.CreateClient();

        var token = await client.LoginForTokenAsync(username, "learner-pass-1");
        var (_, me) = await configured.CreateClient().WithBearer(token).GetJsonAsync("/api/v1/user/me/");
        Assert.Empty(me.GetProperty("data").GetProperty("roles").EnumerateArray());
        await using var scope = configured.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().GetUsersInRoleAsync("Admin"));
        Assert.Contains(logs.Warnings, w => w.Contains("Admin:UserName") && w.Contains("Admin:Email") && w.Contains(username));
    }
}
