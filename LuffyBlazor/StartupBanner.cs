using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Options;

namespace LuffyBlazor;

/// <summary>
/// In Development, once the app listens, one short block says where to go: the shop, the back office with the
/// development admin's name and where its password is set (never the password itself), and the Alipay and WeChat Pay
/// simulators' consoles when they are on.
/// </summary>
public static class StartupBanner
{
    public const string Category = "LuffyBlazor.Startup";

    public static void LogWhereToGoOnceStarted(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var text = Describe(
                addresses.Select(Browsable).ToList(),
                app.Services.GetRequiredService<IOptions<AdminAccountOptions>>().Value,
                WhereSet(app.Configuration, $"{AdminAccountOptions.Section}:{nameof(AdminAccountOptions.Password)}"),
                app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Enabled,
                app.Services.GetRequiredService<IOptions<WeChatSimulatorOptions>>().Value.Enabled);
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category).LogInformation("{WhereToGo}", text);
        });
    }

    /// <summary>The block itself (shop addresses as a browser opens them).</summary>
    internal static string Describe(IReadOnlyList<string> shopUrls, AdminAccountOptions admin, string? passwordSetIn, bool simulator, bool weChatSimulator = false)
    {
        IReadOnlyList<string> urls = shopUrls.Count > 0 ? shopUrls : ["http://localhost:5080"];
        var shop = urls[0];
        var lines = new List<string> { "LuffyBlazor is running (Development). Where to go:" };
        lines.AddRange(urls.Select(url => $"  shop               {url}/"));
        lines.Add(string.IsNullOrEmpty(admin.Email) || passwordSetIn is null
            ? $"  back office        {shop}/admin (no admin account: set Admin:Email and Admin:Password, see docs/configuration.md)"
            : $"  back office        {shop}/admin, log in as \"{admin.UserName}\"; its password is Admin:Password in {passwordSetIn}");
        if (simulator)
        {
            // The simulator's own pages (Features/Payments/Simulator/SimulatorEndpoints.cs).
            lines.Add($"  Alipay simulator   {shop}/dev/alipay/console (payments, notifies, fault switches)");
        }

        if (weChatSimulator)
        {
            lines.Add($"  WeChat Pay sim.    {shop}/dev/wechatpay/ (trades, notifies, fault switches)");
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Which configuration source gives the key its value: a file's path, "an environment variable"...; null when unset.</summary>
    internal static string? WhereSet(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return null;
        }

        // The last provider that has the key is the one whose value wins (an empty one included).
        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(key, out var value))
            {
                return string.IsNullOrEmpty(value) ? null : provider switch
                {
                    FileConfigurationProvider file =>
                        file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? "").PhysicalPath ?? file.Source.Path ?? "a settings file",
                    EnvironmentVariablesConfigurationProvider => $"an environment variable ({key.Replace(":", "__", StringComparison.Ordinal)})",
                    CommandLineConfigurationProvider => "the command line",
                    _ => provider.GetType().Name,
                };
            }
        }

        return null;
    }

    /// <summary>"http://[::]:5080" or "http://0.0.0.0:5080" is reached at "http://localhost:5080".</summary>
    private static string Browsable(string address) => address.TrimEnd('/')
        .Replace("://[::]", "://localhost", StringComparison.Ordinal)
        .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
        .Replace("://+", "://localhost", StringComparison.Ordinal)
        .Replace("://*", "://localhost", StringComparison.Ordinal);
}
