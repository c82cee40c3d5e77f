namespace LuffyBlazor.Common;

/// <summary>
/// Secrets from files, one per setting, as Docker secrets and systemd credentials provide them: a file named
/// <c>Jwt__SigningKey</c> holds <c>Jwt:SigningKey</c>. The folder is <c>Secrets:Directory</c>, or systemd's
/// <c>$CREDENTIALS_DIRECTORY</c> (<c>LoadCredential=</c>). Read last, so a secret file wins over every other source.
/// </summary>
public static class SecretFiles
{
    public const string DirectorySetting = "Secrets:Directory";

    public static void AddSecretFiles(this IHostApplicationBuilder builder)
    {
        var directory = builder.Configuration[DirectorySetting] is { Length: > 0 } configured
            ? Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, configured))
            : Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"{DirectorySetting}: the folder '{directory}' does not exist.");
        }

        // Files end with a newline when written by hand or by `echo`; a key never does.
        builder.Configuration.AddKeyPerFile(source =>
        {
            source.FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(directory);
            source.Optional = false;
        });
    }
}
