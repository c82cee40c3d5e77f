using System.Text.Json;
using LuffyBlazor.Common;
using LuffyBlazor.Components;
using LuffyBlazor.Components.Circuits;
using LuffyBlazor.Components.Layout;
using LuffyBlazor.Components.Localization;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using LuffyBlazor.Features.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace LuffyBlazor;

/// <summary>The one place that wires services and the request pipeline, feature by feature.</summary>
public static class HostingExtensions
{
    public static WebApplicationBuilder AddLuffy(this WebApplicationBuilder builder)
    {
        builder.AddRepositoryDevelopmentSettings();
        builder.AddSecretFiles();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);

        builder.AddLuffyData();
        builder.AddStorage();
        builder.AddAccounts();
        builder.AddCourses();
        builder.AddAlipay();
        builder.AddAlipaySimulator();
        builder.AddWeChatPay();
        builder.AddWeChatPaySimulator();
        builder.AddOrders();
        builder.AddAdmin();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.TrimCircuitJsonMetadata();
        builder.Services.AddPageEncodingAndCompression();
        builder.Services.AddMudServicesInChinese();
        builder.Services.AddSingleton<ThemeStylesheet>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ThemeStylesheet>());
        builder.Services.AddControllers();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddDbContextCheck<LuffyDbContext>("database");
        builder.Services.AddOpenApi();
        builder.AddAuthRateLimiting();
        builder.AddSecurityHeaders();
        return builder;
    }

    public static async Task UseLuffyAsync(this WebApplication app)
    {
        // ValidateOnStart alone would check options in app.Run(), after the database was migrated and seeded:
        // check them first, so that a bad configuration stops start-up before it changes anything.
        app.Services.GetService<IStartupValidator>()?.Validate();
        await app.Services.InitializeDatabaseAsync();
        await app.Services.InitializeAlipaySimulatorAsync();
        await app.Services.InitializeWeChatPaySimulatorAsync();

        app.UseChineseCulture();
        app.UseExceptionHandler("/Error", createScopeForErrors: true);
        app.UseSecurityHeaders();
        // API calls get the JSON envelope for bare status codes; pages get the friendly status page.
        app.UseWhen(Api.IsApiRequest, api => api.UseStatusCodePages(WriteApiStatusAsync));
        app.UseWhen(context => !Api.IsApiRequest(context),
            pages => pages.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true));

        app.UseLocalMedia();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAnonymousPageCompression();
        app.UseOutputCache(); // anonymous catalogue and course pages (CatalogueCache)
        app.UseUserLogScope();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync });
        if (app.Environment.IsDevelopment())
        {
            app.MapOpenApi();
            app.MapScalarApiReference();
        }

        app.MapAccounts();
        app.MapCourseApi();
        app.MapOrderApi();
        app.MapAlipaySimulator();
        app.MapWeChatPaySimulator();
        app.MapStorage();
        app.MapAdmin();
        // The controllers are the payment providers' notify endpoints: they need nothing that runs after routing (no
        // user, antiforgery, rate limit, output cache or compression; NotifyFloodGuard is their guard), so they run
        // right after routing and skip that middleware (bench/README, "Where a notify's CPU goes").
        app.MapControllers().ShortCircuit();
        // The app's own Content-Security-Policy (SecurityHeaders) names frame-ancestors 'none': Blazor adds none of its own.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        app.LogWhereToGoOnceStarted();
    }

    private static async Task WriteApiStatusAsync(StatusCodeContext context)
    {
        var response = context.HttpContext.Response;
        var (status, msg) = Api.DescribeStatusCode(response.StatusCode);
        await response.WriteAsJsonAsync(new ApiEnvelope<object>(status, msg, null));
    }
}
