using LuffyBlazor.Common;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Simulator;

public static class SimulatorSetup
{
    /// <summary>The simulator's merchant application, used when <c>Alipay:AppId</c> is left empty.</summary>
    public const string DefaultAppId = "2021000000000001";

    /// <summary>
    /// With <c>Alipay:Simulator:Enabled</c>, the app needs nothing configured: both key pairs are generated into
    /// <c>keys/</c> and the ordinary <c>Alipay:*</c> settings point at them unless they are set, <c>Alipay:Gateway</c>
    /// included (the simulator's <see cref="SimulatorEndpoints.GatewayPath"/> on the app's own address). The app then
    /// talks to the simulator exactly as to Alipay: same client, same signatures, over HTTP. The simulator keeps its
    /// records in its own SQLite file (<see cref="SimulatorDbContext"/>).
    /// </summary>
    public static void AddAlipaySimulator(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var keys = KeysDirectory.Resolve(builder.Configuration, builder.Environment);
        var contentRoot = builder.Environment.ContentRootPath;
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.Section)
            .PostConfigure<TimeProvider>((o, clock) =>
            {
                if (o.Enabled)
                {
                    if (NeedsGeneratedKeys(o.AppPublicKeyPath, o.AlipayPrivateKeyPath))
                    {
                        SimulatorKeys.EnsureCreated(keys);
                    }

                    o.AppPublicKeyPath = Resolve(o.AppPublicKeyPath, SimulatorKeys.AppPublicKeyFile);
                    o.AlipayPrivateKeyPath = Resolve(o.AlipayPrivateKeyPath, SimulatorKeys.AlipayPrivateKeyFile);
                    o.DatabasePath = DatabaseFile(o.DatabasePath, SimulatorOptions.DefaultDatabaseFile, builder.Configuration, contentRoot);
                    if (o.CertificateMode)
                    {
                        SimulatorCertificates.EnsureCreated(keys, o.AppPublicKeyPath, o.AlipayPrivateKeyPath, o.SellerId, clock.GetUtcNow());
                    }
                }
            })
            .Validate(o => o.NotifyRetryScale is > 0 and <= 10, "Alipay:Simulator:NotifyRetryScale must be above 0 and at most 10.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorKeysValidator>();

        services.PostConfigure<AlipayOptions>(options =>
        {
            if (!options.Simulator.Enabled)
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(options.AppId))
            {
                options.AppId = DefaultAppId;
            }

            if (string.IsNullOrWhiteSpace(options.Gateway))
            {
                options.Gateway = SimulatorEndpoints.GatewayPath;
            }

            var privateDefault = string.IsNullOrWhiteSpace(options.AppPrivateKey) && string.IsNullOrWhiteSpace(options.AppPrivateKeyPath);
            var publicDefault = string.IsNullOrWhiteSpace(options.AlipayPublicKey) && string.IsNullOrWhiteSpace(options.AlipayPublicKeyPath);
            if (privateDefault || publicDefault || NeedsGeneratedKeys(options.AppPrivateKeyPath, options.AlipayPublicKeyPath))
            {
                SimulatorKeys.EnsureCreated(keys);
            }

            if (privateDefault)
            {
                options.AppPrivateKeyPath = Path.Combine(keys, SimulatorKeys.AppPrivateKeyFile);
            }

            if (publicDefault && !AlipayCertificateMode.IsConfigured(options))
            {
                options.AlipayPublicKeyPath = Path.Combine(keys, SimulatorKeys.AlipayPublicKeyFile);
            }
        });

        // Certificate mode: the app gets the certificates the simulator issued, unless certificates are configured.
        services.AddOptions<AlipayOptions>().PostConfigure<TimeProvider>((options, clock) =>
        {
            var simulator = builder.Configuration.GetSection(SimulatorOptions.Section).Get<SimulatorOptions>() ?? new();
            if (!simulator.Enabled || !simulator.CertificateMode || AlipayCertificateMode.IsConfigured(options))
            {
                return;
            }

            if (NeedsGeneratedKeys(simulator.AppPublicKeyPath, simulator.AlipayPrivateKeyPath))
            {
                SimulatorKeys.EnsureCreated(keys); // the certificates are issued for these keys
            }

            SimulatorCertificates.EnsureCreated(keys, Resolve(simulator.AppPublicKeyPath, SimulatorKeys.AppPublicKeyFile),
                Resolve(simulator.AlipayPrivateKeyPath, SimulatorKeys.AlipayPrivateKeyFile), simulator.SellerId, clock.GetUtcNow());
            options.AppCertPath = Path.Combine(keys, SimulatorCertificates.AppCertFile);
            options.AlipayPublicCertPath = Path.Combine(keys, SimulatorCertificates.AlipayCertFile);
            options.AlipayRootCertPath = Path.Combine(keys, SimulatorCertificates.RootCertFile);
            // Alipay's key now comes from its certificate: a public key configured for public-key mode must not compete.
            options.AlipayPublicKey = null;
            options.AlipayPublicKeyPath = null;
        });

        if (!builder.Configuration.GetValue<bool>($"{SimulatorOptions.Section}:Enabled"))
        {
            return;
        }

        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            return SimulatorSigner.Load(o.AppPublicKeyPath!, o.AlipayPrivateKeyPath!, o.CertificateMode ? keys : null);
        });
        services.AddPooledDbContextFactory<SimulatorDbContext>((sp, options) => options.UseSqlite(new SqliteConnectionStringBuilder
        {
            DataSource = sp.GetRequiredService<IOptions<SimulatorOptions>>().Value.DatabasePath,
            DefaultTimeout = 60, // concurrent notify deliveries wait for SQLite's one writer
        }.ToString()));
        services.AddSingleton<SimulatorWakeUp>();
        services.AddScoped<SimulatorCashier>();
        services.AddScoped<SimulatorOpenApi>();
        services.AddScoped<SimulatorStatements>();
        services.AddScoped<SimulatorNotifications>();
        services.AddHttpClient(SimulatorNotifications.HttpClientName);
        services.AddHostedService<SimulatorNotifier>();

        // A key left unset, or set to a file of keys/ that is not there yet (the first run): generate the pairs.
        bool NeedsGeneratedKeys(params string?[] paths) => paths.Any(path => string.IsNullOrWhiteSpace(path)
            || (Path.GetFullPath(Path.Combine(contentRoot, path)).StartsWith(keys + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !File.Exists(Path.GetFullPath(Path.Combine(contentRoot, path)))));

        string Resolve(string? configured, string file) =>
            string.IsNullOrWhiteSpace(configured) ? Path.Combine(keys, file) : Path.GetFullPath(Path.Combine(contentRoot, configured));
    }

    /// <summary>
    /// Brings the simulator's database to its current schema (its own migrations) before the app takes requests;
    /// nothing when the simulator is off.
    /// </summary>
    public static async Task InitializeAlipaySimulatorAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        if (services.GetService<IDbContextFactory<SimulatorDbContext>>() is not { } factory)
        {
            return;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        Directory.CreateDirectory(Path.GetDirectoryName(services.GetRequiredService<IOptions<SimulatorOptions>>().Value.DatabasePath)!);
        await db.Database.MigrateAsync(ct);
        // Readers (the console, the cashier) never wait for the notifier's writes; the mode is kept in the file.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>
    /// A simulator's <c>DatabasePath</c> (relative to the content root), or <paramref name="defaultFile"/> beside the
    /// app's SQLite database, or in the content root when the app's database is not a SQLite file. Both simulators'
    /// files are found this way.
    /// </summary>
    internal static string DatabaseFile(string? configured, string defaultFile, IConfiguration configuration, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(Path.Combine(contentRoot, configured));
        }

        var folder = contentRoot;
        if (!"Postgres".Equals(configuration["Database:Provider"], StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = configuration.GetConnectionString("Default");
            var source = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connectionString) ? "Data Source=luffy.db" : connectionString).DataSource;
            if (!string.IsNullOrEmpty(source) && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal))
            {
                folder = Path.GetDirectoryName(Path.GetFullPath(Path.Combine(contentRoot, source)))!;
            }
        }

        return Path.Combine(folder, defaultFile);
    }
}

/// <summary>
/// The simulator's keys must be the other halves of the app's: otherwise every request would fail at the simulated
/// gateway and every notify at the app, with nothing to say why. Say why at start-up instead.
/// </summary>
public sealed class SimulatorKeysValidator(
    IOptions<AlipayOptions> alipay, IHostEnvironment environment, IConfiguration configuration, TimeProvider clock) : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            using var simulator = SimulatorSigner.Load(options.AppPublicKeyPath!, options.AlipayPrivateKeyPath!,
                options.CertificateMode ? KeysDirectory.Resolve(configuration, environment) : null);
            using var app = AlipayCredentials.Load(alipay.Value, environment.ContentRootPath, clock);
            var failures = new List<string>();
            if (!AlipayKeys.ArePair(app.AppPrivateKey, simulator.AppPublicKey))
            {
                failures.Add("Alipay:Simulator:AppPublicKeyPath is not the public half of Alipay:AppPrivateKey(Path): the simulator would refuse every request. Leave both empty to use the generated keys in keys/.");
            }

            if (!AlipayKeys.ArePair(simulator.AlipayPrivateKey, app.AlipayPublicKey))
            {
                failures.Add("Alipay:AlipayPublicKey(Path) is not the public half of the simulator's Alipay:Simulator:AlipayPrivateKeyPath: the app would refuse every notify. Leave both empty to use the generated keys in keys/.");
            }

            if (simulator.Certificates is { } issued)
            {
                CheckCertificates(issued, app.Certificates, failures);
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
        catch (AlipayKeyException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }

    /// <summary>In certificate mode the app must send the SNs of what the simulator issued, and trust its Alipay certificate.</summary>
    private static void CheckCertificates(SimulatorCertificateSns issued, AlipayCertificateMode? app, List<string> failures)
    {
        const string useIssued = "Leave Alipay:AppCertPath, Alipay:AlipayPublicCertPath and Alipay:AlipayRootCertPath empty to use the certificates the simulator issued into keys/.";
        if (app is null)
        {
            failures.Add("Alipay:Simulator:CertificateMode is on but the app is in public-key mode: the simulator would refuse every request (isv.missing-app-cert-sn). " + useIssued);
            return;
        }

        if (app.AppCertSn != issued.AppCertSn)
        {
            failures.Add($"Alipay:AppCertPath is not the application certificate the simulator issued (SN {app.AppCertSn}, not {issued.AppCertSn}): the simulator would refuse every request. " + useIssued);
        }

        if (app.AlipayRootCertSn != issued.AlipayRootCertSn)
        {
            failures.Add($"Alipay:AlipayRootCertPath is not the simulator's root bundle (SN {app.AlipayRootCertSn}, not {issued.AlipayRootCertSn}). " + useIssued);
        }

        if (app.KeyFor(issued.AlipayCertSn) is null)
        {
            failures.Add($"Alipay:AlipayPublicCertPath does not hold the simulator's Alipay certificate (SN {issued.AlipayCertSn}): the app would refuse every answer. " + useIssued);
        }
    }
}
