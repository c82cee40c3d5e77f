using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using LuffyBlazor.Components.Localization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// bUnit for the learner's pages over a <see cref="ScriptedAlipayApp"/>: MudBlazor's services, the app's own services
/// from one scope of the running app (<see cref="UseAppService{T}"/>), and a learner signed in by the test.
/// </summary>
public abstract class LearnerPageTest : BunitTestContext
{
    private readonly BunitAuthorizationContext auth;

    protected LearnerPageTest(ScriptedAlipayApp fixture)
    {
        Fixture = fixture;
        AppScope = fixture.App.Services.CreateAsyncScope();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServicesInChinese();
        AddPageServices();
        // Last: bUnit takes no more services once authorization is set up.
        auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected ScriptedAlipayApp Fixture { get; }

    protected LuffyAppFactory App => Fixture.App;

    /// <summary>A scope of the running app, where the pages' scoped services come from.</summary>
    protected AsyncServiceScope AppScope { get; }

    /// <summary>
    /// Registers what the page under test injects (called from the constructor: only the fixture and field
    /// initializers are ready by then).
    /// </summary>
    protected abstract void AddPageServices();

    /// <summary>Gives the page the app's own instance of <typeparamref name="T"/>.</summary>
    protected void UseAppService<T>() where T : class => Services.AddSingleton(AppScope.ServiceProvider.GetRequiredService<T>());

    protected void SignIn(string userId, string userName)
    {
        auth.SetAuthorized(userName);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
    }

    protected override async Task DisposeTestAsync() => await AppScope.DisposeAsync();
}
