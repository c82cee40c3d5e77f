using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using LuffyBlazor.Common;
using LuffyBlazor.Components.Localization;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Users;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Orders.Reconciliation;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Uploads;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace LuffyBlazor.Tests.Admin;

/// <summary>
/// bUnit for back-office components: MudBlazor's services, the back office's own services, and the app's
/// infrastructure (database, clock, media store, Alipay client) shared with a running test app. Signed in as the
/// seeded admin unless a test says otherwise.
/// </summary>
public abstract class AdminComponentTest : BunitTestContext
{
    protected AdminComponentTest(LuffyAppFactory app)
    {
        App = app;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServicesInChinese();
        Services.AddAdminServices();
        var appServices = app.Services;
        Services.AddSingleton(appServices.GetRequiredService<IDbContextFactory<LuffyDbContext>>());
        // Real time, not the app's fake clock: MudBlazor's debounce timers run on the TimeProvider they are given.
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(appServices.GetRequiredService<IFileStore>());
        Services.AddSingleton(appServices.GetRequiredService<CourseCatalog>());
        Services.AddSingleton(appServices.GetRequiredService<IOptions<StorageOptions>>());
        Services.AddSingleton(appServices.GetRequiredService<MediaUploads>());
        Services.AddSingleton(appServices.GetRequiredService<IAlipayClient>());
        Services.AddSingleton(appServices.GetRequiredService<PaymentWriter>());
        Services.AddScoped<OrderTransitions>();
        Services.AddScoped<PaymentReconciliation>();
        Services.AddScoped<OrderRefunds>();
        Services.AddScoped<AlipayTradeLookup>();
        Services.AddTransient(_ => appServices.GetRequiredService<AlipayStatements>());
        Services.AddSingleton(appServices.GetRequiredService<IOptions<ReconciliationOptions>>());
        Services.AddScoped<StatementReconciliation>();
        Services.AddScoped<ReconciliationRepairs>();
        Services.AddSingleton(appServices.GetRequiredService<IOptions<AlipayOptions>>());
        Services.AddSingleton(appServices.GetRequiredService<IOptions<WeChatPayOptions>>());
        Services.AddScoped<IPaymentTrades, AlipayTrades>();
        Services.AddScoped<IPaymentTrades>(sp => new WeChatTrades(appServices, sp.GetRequiredService<IOptions<WeChatPayOptions>>(), NullLogger<WeChatTrades>.Instance));
        Services.AddScoped<PaymentTradesByType>();
        // UserManager lives in the app's container: UserAdmin makes its scopes there.
        Services.AddScoped(sp => new UserAdmin(
            sp.GetRequiredService<IDbContextFactory<LuffyDbContext>>(), appServices.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<AdminAuditLog>(), sp.GetRequiredService<TimeProvider>()));
        Auth = AddAuthorization();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    protected LuffyAppFactory App { get; }

    protected BunitAuthorizationContext Auth { get; }

    protected async Task<AdminActor> SignInAsAdminAsync()
    {
        var admin = await App.AdminAsync();
        Auth.SetAuthorized(admin.UserName);
        Auth.SetRoles(Roles.Admin);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.UserId));
        return admin;
    }

    /// <summary>Renders the page at <paramref name="url"/> beside MudBlazor's providers, so its dialogs and snackbars show.</summary>
    protected IRenderedComponent<IComponent> RenderPage<TPage>(string url, Action<RenderTreeBuilderParameters>? parameters = null)
        where TPage : IComponent
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(3);
            parameters?.Invoke(new RenderTreeBuilderParameters(builder));
            builder.CloseComponent();
        });
    }

    /// <summary>Adds attributes (component parameters) to the component being rendered.</summary>
    protected sealed class RenderTreeBuilderParameters(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder)
    {
        private int sequence = 10;

        public RenderTreeBuilderParameters Add(string name, object? value)
        {
            // One component's parameters, built once by a test and never diffed: their order is the sequence.
#pragma warning disable ASP0006
            builder.AddComponentParameter(sequence++, name, value);
#pragma warning restore ASP0006
            return this;
        }
    }
}
