using System.Globalization;
using Microsoft.AspNetCore.Localization;
using MudBlazor;
using MudBlazor.Services;

namespace LuffyBlazor.Components.Localization;

/// <summary>
/// The whole UI is Chinese: MudBlazor speaks it (<see cref="MudChineseLocalizer"/>), and every request, interactive
/// circuits included, runs in zh-CN, so date pickers start weeks on Monday and name months and days in Chinese.
/// Money and the timestamps the app prints are formatted with the invariant culture on purpose ("¥99.00",
/// "2026-11-30 14:05"), so they read the same whatever the culture.
/// </summary>
public static class ChineseUi
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>MudBlazor's services with its texts in Chinese (component tests call this too).</summary>
    public static IServiceCollection AddMudServicesInChinese(this IServiceCollection services)
    {
        services.AddMudServices();
        services.AddSingleton<MudLocalizer, MudChineseLocalizer>();
        // Chinese whatever the request's UI culture: by default MudBlazor keeps its English for an "en" culture.
        services.AddLocalizationInterceptor(sp => new DefaultLocalizationInterceptor(
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<MudLocalizer>()) { IgnoreDefaultEnglish = true });
        return services;
    }

    /// <summary>zh-CN for every request, whatever the browser's Accept-Language says: the school has one language.</summary>
    public static IApplicationBuilder UseChineseCulture(this IApplicationBuilder app) =>
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Culture),
            SupportedCultures = [Culture],
            SupportedUICultures = [Culture],
            RequestCultureProviders = [],
        });
}
