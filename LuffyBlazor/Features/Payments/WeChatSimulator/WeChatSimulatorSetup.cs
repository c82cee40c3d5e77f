using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

public static class WeChatSimulatorSetup
{
    public const string BasePath = "/dev/wechatpay";

    /// <summary>
    /// With <c>WeChatPay:Simulator:Enabled</c> (Development), WeChat Pay needs nothing configured: the merchant's and
    /// "WeChat Pay's" key pairs and the APIv3 key are generated into <c>keys/</c>, and every <c>WeChatPay:*</c> setting
    /// left empty points at the simulator's merchant, keys and API (<see cref="BasePath"/> on the app's own address).
    /// The app then talks to it exactly as to WeChat Pay: same client, same signatures and encryption, over HTTP.
    /// </summary>
    public static void AddWeChatPaySimulator(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var keys = KeysDirectory.Resolve(builder.Configuration, builder.Environment);
        var contentRoot = builder.Environment.ContentRootPath;
        services.AddOptions<WeChatSimulatorOptions>().BindConfiguration(WeChatSimulatorOptions.Section)
            .PostConfigure(o => o.DatabasePath = SimulatorSetup.DatabaseFile(o.DatabasePath, WeChatSimulatorOptions.DefaultDatabaseFile, builder.Configuration, contentRoot))
            .Validate(o => o.NotifyRetryScale is > 0 and <= 10, "WeChatPay:Simulator:NotifyRetryScale must be above 0 and at most 10.")
            .ValidateOnStart();

        services.AddOptions<WeChatPayOptions>().PostConfigure<IOptions<WeChatSimulatorOptions>>((options, simulator) =>
        {
            if (!options.Simulator.Enabled)
            {
                return;
            }

            var sim = simulator.Value;
            WeChatSimulatorKeys.EnsureCreated(keys);
            options.MchId = Or(options.MchId, sim.MchId);
            options.AppId = Or(options.AppId, sim.AppId);
            options.ApiV3Key = Or(options.ApiV3Key, WeChatSimulatorKeys.ReadApiV3Key(keys));
            options.MerchantSerialNo = Or(options.MerchantSerialNo, sim.MerchantSerialNo);
            if (string.IsNullOrWhiteSpace(options.MerchantPrivateKey) && string.IsNullOrWhiteSpace(options.MerchantPrivateKeyPath))
            {
                options.MerchantPrivateKeyPath = Path.Combine(keys, WeChatSimulatorKeys.MerchantPrivateKeyFile);
            }

            if (sim.CertificateMode)
            {
                options.DownloadPlatformCertificates |= options.PlatformCertificatePaths.Count == 0;
            }
            else if (string.IsNullOrWhiteSpace(options.PlatformPublicKeyId))
            {
                options.PlatformPublicKeyId = sim.PublicKeyId;
                options.PlatformPublicKey = null;
                options.PlatformPublicKeyPath = Path.Combine(keys, WeChatSimulatorKeys.PlatformPublicKeyFile);
            }

            options.BaseUrl = Or(options.BaseUrl, BasePath);
        });

        if (!builder.Configuration.GetValue<bool>($"{WeChatSimulatorOptions.Section}:Enabled"))
        {
            return;
        }

        services.AddPooledDbContextFactory<WeChatSimulatorDbContext>((sp, options) => options.UseSqlite(new SqliteConnectionStringBuilder
        {
            DataSource = sp.GetRequiredService<IOptions<WeChatSimulatorOptions>>().Value.DatabasePath,
            DefaultTimeout = 60, // concurrent notify deliveries wait for SQLite's one writer
        }.ToString()));
        services.AddSingleton<WeChatSimulatorTrades>();
        services.AddSingleton(sp => new WeChatSimulatorCertificates(
            keys, sp.GetRequiredService<IOptions<WeChatSimulatorOptions>>().Value.RotateCertificates, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var wechat = sp.GetRequiredService<IOptions<WeChatPayOptions>>().Value;
            var sim = sp.GetRequiredService<IOptions<WeChatSimulatorOptions>>().Value;
            return new WeChatSimulatorSigner(
                WeChatSimulatorKeys.Load(Path.Combine(keys, WeChatSimulatorKeys.MerchantPublicKeyFile)),
                WeChatSimulatorKeys.Load(Path.Combine(keys, WeChatSimulatorKeys.PlatformPrivateKeyFile)),
                wechat.PlatformPublicKeyId ?? sim.PublicKeyId, wechat.ApiV3Key!, sim.TimestampTolerance, sp.GetRequiredService<TimeProvider>(),
                sim.CertificateMode ? sp.GetRequiredService<WeChatSimulatorCertificates>() : null);
        });
        services.AddSingleton<WeChatSimulatorNotifications>();
        services.AddHostedService<WeChatSimulatorNotifier>();
        services.AddHttpClient(WeChatSimulatorNotifications.HttpClientName);
    }

    /// <summary>
    /// Brings the simulator's database to its current schema (its own migrations) before the app takes requests;
    /// nothing when the simulator is off.
    /// </summary>
    public static async Task InitializeWeChatPaySimulatorAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        if (services.GetService<IDbContextFactory<WeChatSimulatorDbContext>>() is not { } factory)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(services.GetRequiredService<IOptions<WeChatSimulatorOptions>>().Value.DatabasePath)!);
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        // The console and the cashier never wait for the notifier's writes; the mode is kept in the file.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>The simulated API under <c>/dev/wechatpay/v3/…</c> and its pages; nothing when the simulator is off.</summary>
    public static void MapWeChatPaySimulator(this WebApplication app)
    {
        if (app.Services.GetService<WeChatSimulatorTrades>() is null)
        {
            return;
        }

        // The merchant's API calls and the buyer's cashier carry no antiforgery token, as at WeChat; the console does.
        var group = app.MapGroup(BasePath).ExcludeFromDescription().DisableAntiforgery();
        WeChatSimulatorApi.MapApi(group);
        WeChatSimulatorPages.MapPages(group);
        WeChatSimulatorConsole.MapConsole(app.MapGroup(BasePath).ExcludeFromDescription());
    }

    private static string Or(string? value, string fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value;
}
