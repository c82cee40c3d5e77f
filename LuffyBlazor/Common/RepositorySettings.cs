using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace LuffyBlazor.Common;

public static class RepositorySettings
{
    public const string FileName = "appsettings.Development.json";

    /// <summary>
    /// In Development the repository root's <c>appsettings.Development.json</c> is <em>the</em> development settings
    /// file. It is layered right after <c>LuffyBlazor/appsettings*.json</c>, so user secrets, environment variables
    /// and the command line still override it.
    /// </summary>
    public static void AddRepositoryDevelopmentSettings(this IHostApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return;
        }

        var root = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, ".."));
        if (!File.Exists(Path.Combine(root, FileName)))
        {
            return;
        }

        var sources = builder.Configuration.Sources;
        var appSettingsIndex = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path }
                && (path == "appsettings.json" || path == $"appsettings.{builder.Environment.EnvironmentName}.json"))
            {
                appSettingsIndex = i;
            }
        }

        var source = new JsonConfigurationSource
        {
            Path = FileName,
            Optional = true,
            ReloadOnChange = false,
            FileProvider = new PhysicalFileProvider(root),
        };
        sources.Insert(appSettingsIndex + 1, source);
    }
}
