using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>
/// The app, hosted in memory on its own temporary SQLite file, media folder and keys folder, in the "Testing"
/// environment. Each instance is a fresh school: migrated, seeded, with one admin account, talking to Alipay with
/// the test keys (simulator off) unless a test says otherwise.
/// </summary>
public class LuffyAppFactory : WebApplicationFactory<Program>
{
    public const string AdminUserName = "admin";
    public const string AdminEmail = "admin@luffy.test";
    public const string AdminPassword = "admin-pass-123";

    private readonly Dictionary<string, string?> settings;

    public LuffyAppFactory() : this(new Dictionary<string, string?>())
    {
    }

    // Internal so that xunit sees one public constructor when the factory is a class fixture.
    internal LuffyAppFactory(IDictionary<string, string?> overrides)
    {
        Root = Path.Combine(Path.GetTempPath(), "luffy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={DatabasePath}",
            ["Jwt:SigningKey"] = "test-only-jwt-signing-key-0123456789abcdef",
            ["Admin:UserName"] = AdminUserName,
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            ["RateLimiting:Auth:PermitLimit"] = "100000",
            ["Storage:Local:Root"] = Path.Combine(Root, "media"),
            ["Storage:Local:SigningKey"] = "test-only-media-signing-key-0123456789abcdef",
            ["Keys:Directory"] = Path.Combine(Root, "keys"),
            ["Security:HttpsRedirection"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            // The morning reconciliation job is started by the tests about it, not by every app.
            ["Reconciliation:Enabled"] = "false",
        };
        foreach (var (key, value) in AlipayTestKeys.Settings())
        {
            settings[key] = value;
        }

        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        // A simulated Alipay calls the app back on its own address: unless a test says otherwise, the public URLs a
        // live deployment configures are left out, and derived from the app's address as in Development.
        if (settings.GetValueOrDefault("Alipay:Simulator:Enabled") == "true")
        {
            foreach (var callback in new[] { "Alipay:NotifyUrl", "Alipay:ReturnUrl" })
            {
                if (!overrides.ContainsKey(callback))
                {
                    settings.Remove(callback);
                }
            }
        }
    }

    /// <summary>The hosting environment; "Testing" unless a test is about another one.</summary>
    public string EnvironmentName { get; init; } = "Testing";

    /// <summary>Replaces services after the app's own registrations (a fake clock, a scripted Alipay...).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>
    /// Serves the app on real Kestrel on a free loopback port (browsers, and callbacks the app makes to itself) and
    /// returns its address, e.g. <c>http://127.0.0.1:41234</c>. A <paramref name="port"/> of a stopped app restarts
    /// "the same server" (callbacks queued for its address reach the new one).
    /// </summary>
    public string StartKestrel(int port = 0)
    {
        UseKestrel(port);
        StartServer();
        var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return addresses.First().Replace("://[::]", "://127.0.0.1").Replace("://localhost", "://127.0.0.1").TrimEnd('/');
    }

    /// <summary>This test app's private folder (database, media, keys).</summary>
    public string Root { get; }

    public string DatabasePath => Path.Combine(Root, "luffy.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        // Serve package assets (blazor.web.js, MudBlazor) from the build output, as Development does, for real browsers.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a background thread; the OS temp cleaner gets it.
            }
        }
    }
}
