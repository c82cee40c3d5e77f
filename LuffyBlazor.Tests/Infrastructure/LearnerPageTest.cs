using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using LuffyBlazor.Components.Localization;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// bUnit for the learner's pages over a running app (a <see cref="ScriptedAlipayApp"/>'s, or any other such as a
/// <see cref="WeChatPayApp"/>): MudBlazor's services, the app's own services
/// from one scope of the running app (<see cref="UseAppService{T}"/>), and a learner signed in by the test.
/// </summary>
public abstract class LearnerPageTest : BunitTestContext
{
    private readonly BunitAuthorizationContext auth;

    protected LearnerPageTest(ScriptedAlipayApp fixture) : this(fixture.App, fixture)
    {
    }

    protected LearnerPageTest(LuffyAppFactory app) : this(app, null)
    {
    }

    private LearnerPageTest(LuffyAppFactory app, ScriptedAlipayApp? fixture)
    {
        App = app;
        Fixture = fixture!;
        AppScope = app.Services.CreateAsyncScope();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServicesInChinese();
        AddPageServices();
        // Last: bUnit takes no more services once authorization is set up.
        auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    /// <summary>The scripted-Alipay app and its fake clock (not set for the other constructor's app).</summary>
    protected ScriptedAlipayApp Fixture { get; }

    protected LuffyAppFactory App { get; }

    /// <summary>A scope of the running app, where the pages' scoped services come from.</summary>
    protected AsyncServiceScope AppScope { get; }

    /// <summary>
    /// Registers what the page under test injects (called from the constructor: only the fixture and field
    /// initializers are ready by then).
    /// </summary>
    protected abstract void AddPageServices();

    /// <summary>Gives the page the app's own instance of <typeparamref name="T"/>.</summary>
    protected void UseAppService<T>() where T : class => Services.AddSingleton(AppScope.ServiceProvider.GetRequiredService<T>());

    /// <summary>
    /// Gives the page a watch of its own over the app's database (or <paramref name="database"/>), on the page's fake
    /// clock: the watch's ticks are what moves a waiting page on.
    /// </summary>
    protected void UseOrderWatch(FakeTimeProvider pageClock, IDbContextFactory<LuffyDbContext>? database = null) =>
        Services.AddSingleton(sp => new UnpaidOrderWatch(
            database ?? AppScope.ServiceProvider.GetRequiredService<IDbContextFactory<LuffyDbContext>>(), pageClock,
            sp.GetRequiredService<ILogger<UnpaidOrderWatch>>()));

    protected void SignIn(string userId, string userName)
    {
        auth.SetAuthorized(userName);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
    }

    /// <summary>
    /// Moves a page's fake clock on in 2 s steps (its polling period) until <paramref name="done"/>: time moves only
    /// once the page waits, so a busy machine cannot make the test advance the clock before the page's timer exists.
    /// </summary>
    protected static async Task AdvanceUntilAsync(FakeTimeProvider pageClock, Func<bool> done, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            pageClock.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(20);
        }
    }

    protected override async Task DisposeTestAsync() => await AppScope.DisposeAsync();
}
