using LuffyBlazor.Features.Account;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Common;

/// <summary>Secrets as files, one per setting (Docker secrets, systemd credentials).</summary>
public sealed class SecretFilesTests
{
    [Fact]
    public void A_secret_file_wins_over_other_settings_without_its_trailing_newline()
    {
        var folder = Directory.CreateTempSubdirectory("luffy-secrets").FullName;
        File.WriteAllText(Path.Combine(folder, "Jwt__SigningKey"), "signing-key-from-a-secret-file-0123456789\n");
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Secrets:Directory"] = folder });

        var key = app.Services.GetRequiredService<IOptions<JwtOptions>>().Value.SigningKey;

        Assert.Equal("signing-key-from-a-secret-file-0123456789", key);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_missing_secrets_folder_stops_start_up_with_its_name()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Secrets:Directory"] = "/no/such/secrets" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Secrets:Directory: the folder '/no/such/secrets' does not exist", error.ToString());
    }
}
