using System.Diagnostics;
using System.Security.Cryptography;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Common;

/// <summary>
/// The built app run as an operator runs it (<c>dotnet LuffyBlazor.dll</c>, settings in the environment): a
/// configuration it refuses prints every failure, naming its key, and exits with code 1, with no stack trace and no
/// abort (134), before anything is written.
/// </summary>
public sealed class StartupRefusalTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "luffy-tests", "refusal-" + Guid.NewGuid().ToString("N"));

    public StartupRefusalTests() => Directory.CreateDirectory(root);

    private string DatabasePath => Path.Combine(root, "luffy.db");

    private async Task<(int ExitCode, string Error)> RunProductionAsync(Dictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "LuffyBlazor.dll")])
        {
            WorkingDirectory = Path.Combine(RepositoryPaths.Root, "LuffyBlazor"), // the content root: appsettings.json
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var inherited in start.Environment.Keys.Where(k => k.Contains("__") || k.StartsWith("ASPNETCORE_") || k == "DOTNET_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__Default"] = $"Data Source={DatabasePath}";
        start.Environment["Keys__Directory"] = Path.Combine(root, "keys");
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the app did not stop within 2 minutes: {await output}");
        }

        await output;
        return (process.ExitCode, await error);
    }

    private static void AssertNoCrash(string error)
    {
        Assert.DoesNotContain("Unhandled exception", error);
        Assert.DoesNotContain("   at ", error); // no stack frame
        Assert.DoesNotContain("OptionsValidationException", error);
    }

    [Fact]
    public async Task A_production_start_with_nothing_set_names_every_missing_key_and_exits_with_code_1()
    {
        var (exitCode, error) = await RunProductionAsync([]);

        Assert.Equal(1, exitCode);
        AssertNoCrash(error);
        Assert.StartsWith("LuffyBlazor did not start: the configuration is not valid.", error);
        Assert.Contains("Jwt:SigningKey is required outside Development", error);
        Assert.Contains("Alipay settings missing: Alipay:AppId", error);
        Assert.Contains("Alipay:Gateway must be set outside Development", error);
        Assert.Contains("Alipay:NotifyUrl must be set outside Development", error);
        Assert.Contains("Alipay:ReturnUrl must be set outside Development", error);
        Assert.False(File.Exists(DatabasePath), "nothing is written before the settings are valid");
    }

    [Fact]
    public async Task Weak_keys_and_callbacks_alipay_cannot_use_are_refused_together_naming_their_keys()
    {
        var weakKey = Path.Combine(root, "app_private_key.pem");
        await File.WriteAllTextAsync(weakKey, RSA.Create(1024).ExportPkcs8PrivateKeyPem());

        var (exitCode, error) = await RunProductionAsync(new Dictionary<string, string>
        {
            ["Jwt__SigningKey"] = "test-only-jwt-signing-key-0123456789abcdef",
            ["Storage__Local__SigningKey"] = "test-only-media-signing-key-0123456789abcdef",
            ["Alipay__AppId"] = AlipayTestKeys.AppId,
            ["Alipay__AppPrivateKeyPath"] = weakKey,
            ["Alipay__AlipayPublicKeyPath"] = AlipayTestKeys.AlipayPublicKeyPath,
            ["Alipay__Gateway"] = "https://openapi.alipay.com/gateway.do",
            ["Alipay__NotifyUrl"] = "https://luffy.example.com/api/v1/order/success/?from=alipay",
            ["Alipay__ReturnUrl"] = "https://127.0.0.1/pay/success",
        });

        Assert.Equal(1, exitCode);
        AssertNoCrash(error);
        Assert.Contains("Alipay:AppPrivateKeyPath is a 1024-bit key; RSA keys under 2048 bits are refused", error);
        Assert.Contains("Alipay:NotifyUrl must not carry a query string", error);
        Assert.Contains("Alipay:ReturnUrl must be on a public host, not '127.0.0.1'", error);
        Assert.DoesNotContain("Jwt:SigningKey", error);
        Assert.DoesNotContain("MII", error); // never key material
        Assert.False(File.Exists(DatabasePath));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
