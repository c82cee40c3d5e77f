using System.Net;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Users;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Account;

/// <summary>Locking a user or changing a password ends the sessions already open: tokens, cookies and live pages.</summary>
public sealed class SessionEndTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private HttpClient NewBrowser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task LockAsync(string userId)
    {
        var admin = await app.AdminAsync();
        var outcome = await app.WithAsync<UserAdmin, AdminActionOutcome>(users => users.SetLockedAsync(userId, true, "盗号", admin));
        Assert.True(outcome.Succeeded, outcome.Message);
    }

    [Fact]
    public async Task A_locked_learners_token_gets_a_401_on_its_next_call()
    {
        var (id, name) = await app.CreateLearnerAsync();
        var api = app.CreateClient().WithBearer(await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword));
        Assert.Equal(HttpStatusCode.OK, (await api.GetJsonAsync("/api/v1/user/me/")).Code);

        await LockAsync(id);

        var (code, body) = await api.GetJsonAsync("/api/v1/user/me/");
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal(103, body.GetProperty("status").GetInt32());
        var (pay, _) = await api.PostJsonAsync("/api/v1/order/pay/", new { subject = "x", total_amount = "99.00", pay_type = 1, courses = new[] { 2 } });
        Assert.Equal(HttpStatusCode.Unauthorized, pay);
    }

    [Fact]
    public async Task A_locked_learners_cookie_is_refused_and_deleted_on_its_next_request()
    {
        var (id, name) = await app.CreateLearnerAsync();
        var browser = NewBrowser();
        await browser.LoginThroughPageAsync(name, AppScenarios.LearnerPassword);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/orders")).StatusCode);

        await LockAsync(id);

        using var page = await browser.GetAsync("/orders");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/Account/Login", page.Headers.Location!.OriginalString.Replace("http://localhost", ""));
        Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith("luffy.auth=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/user/me/")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_ends_the_other_sessions_and_keeps_this_one()
    {
        var (_, name) = await app.CreateLearnerAsync();
        var here = NewBrowser();
        var elsewhere = NewBrowser();
        await here.LoginThroughPageAsync(name, AppScenarios.LearnerPassword);
        await elsewhere.LoginThroughPageAsync(name, AppScenarios.LearnerPassword);
        var token = app.CreateClient().WithBearer(await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword));

        using var changed = await here.SubmitFormAsync("/Account/Manage/ChangePassword", "change-password", new Dictionary<string, string>
        {
            ["Input.OldPassword"] = AppScenarios.LearnerPassword, ["Input.NewPassword"] = "new-secret-9", ["Input.ConfirmPassword"] = "new-secret-9",
        });

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/Account/Manage")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/Account/Manage")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await token.GetJsonAsync("/api/v1/user/me/")).Code);
    }

    [Fact]
    public async Task A_token_without_a_security_stamp_is_refused()
    {
        var (id, name) = await app.CreateLearnerAsync();
        var tokens = app.Services.GetRequiredService<JwtTokenService>();
        var user = new ApplicationUser { Id = id, UserName = name, SecurityStamp = null };

        var (code, _) = await app.CreateClient().WithBearer(tokens.CreateToken(user, [])).GetJsonAsync("/api/v1/user/me/");

        Assert.Equal(HttpStatusCode.Unauthorized, code);
    }
}

/// <summary>What another instance changed reaches this one within <see cref="SessionOptions.StampCacheDuration"/>.</summary>
public sealed class SessionStampCacheTests : IDisposable
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly LuffyAppFactory app;

    public SessionStampCacheTests() => app = new LuffyAppFactory { TestServices = services => services.AddSingleton<TimeProvider>(clock) };

    public void Dispose() => app.Dispose();

    [Fact]
    public async Task A_stamp_renewed_by_another_instance_ends_the_token_once_the_five_second_cache_window_has_passed()
    {
        var (id, name) = await app.CreateLearnerAsync();
        var api = app.CreateClient().WithBearer(await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword));
        Assert.Equal(HttpStatusCode.OK, (await api.GetJsonAsync("/api/v1/user/me/")).Code);

        // Another instance locks the user: the database changes, this instance's cache does not hear of it.
        await app.QueryAsync(db => db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.SecurityStamp, Guid.NewGuid().ToString("N")).SetProperty(u => u.LockoutEnd, DateTimeOffset.MaxValue)));

        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(HttpStatusCode.OK, (await api.GetJsonAsync("/api/v1/user/me/")).Code);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetJsonAsync("/api/v1/user/me/")).Code);
    }
}

/// <summary>An open interactive page (a circuit) checks its session every <see cref="SessionOptions.CircuitRevalidationInterval"/>.</summary>
public sealed class CircuitRevalidationTests
{
    [Fact]
    public async Task A_live_page_of_a_user_who_is_locked_becomes_anonymous_within_the_revalidation_interval()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Security:Sessions:CircuitRevalidationInterval"] = "00:00:00.200" });
        var (id, _) = await app.CreateLearnerAsync();
        await using var circuit = app.Services.CreateAsyncScope();
        var provider = circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
            var user = await signIn.UserManager.FindByIdAsync(id);
            ((IHostEnvironmentAuthenticationStateProvider)provider).SetAuthenticationState(
                Task.FromResult(new AuthenticationState(await signIn.CreateUserPrincipalAsync(user!))));
        }

        var ended = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async state => ended.TrySetResult(await state);

        await Task.Delay(TimeSpan.FromSeconds(1)); // five checks while the session is current: still signed in
        Assert.False(ended.Task.IsCompleted);
        Assert.True((await provider.GetAuthenticationStateAsync()).User.Identity?.IsAuthenticated);

        var admin = await app.AdminAsync();
        Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetLockedAsync(id, true, "盗号", admin))).Succeeded);

        var after = await ended.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(after.User.Identity?.IsAuthenticated);
    }
}
