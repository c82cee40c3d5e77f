using LuffyBlazor.Features.Storage.FastDfs;
using LuffyBlazor.Features.Storage.Local;
using LuffyBlazor.Features.Storage.Migration;
using LuffyBlazor.Features.Storage.Qiniu;
using LuffyBlazor.Features.Storage.S3;
using LuffyBlazor.Features.Storage.Uploads;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage;

public static class StorageSetup
{
    public static void AddStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var environment = builder.Environment;
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<StorageOptionsValidator>();
        services.AddOptions<LocalStorageOptions>().BindConfiguration(LocalStorageOptions.Section)
            .PostConfigure(o => o.SigningKey = MediaSigningKeys.OrDevelopmentKey(o.SigningKey, LocalStorageOptions.DevelopmentKeyFile, configuration, environment));
        services.AddOptions<QiniuOptions>().BindConfiguration(QiniuOptions.Section);
        services.AddOptions<S3StorageOptions>().BindConfiguration(S3StorageOptions.Section);
        services.AddOptions<FastDfsOptions>().BindConfiguration(FastDfsOptions.Section)
            .PostConfigure(o => o.SigningKey = MediaSigningKeys.OrDevelopmentKey(o.SigningKey, FastDfsOptions.DevelopmentKeyFile, configuration, environment));

        services.AddSingleton<MediaRules>();
        services.AddSingleton<LocalFileStore>();
        QiniuClient.AddQiniuHttpClient(services);
        services.AddSingleton<QiniuRegions>();
        services.AddSingleton<QiniuClient>();
        services.AddSingleton<QiniuFileStore>();
        services.AddSingleton<S3FileStore>();
        services.AddSingleton<FastDfsClient>();
        services.AddSingleton<FastDfsFileStore>();
        services.AddSingleton<FileStores>();
        // What the app uses: the configured provider's store, behind the media rules.
        services.AddSingleton<IFileStore>(sp => new CheckedFileStore(
            sp.GetRequiredService<FileStores>().Get(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider),
            sp.GetRequiredService<MediaRules>()));

        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.Section);
        services.AddSingleton<UploadSessions>();
        services.AddSingleton<MediaUploads>();
        services.AddSingleton<ChunkedUploads>();
        services.AddScoped<StorageMigration>();
    }

    /// <summary>
    /// Serves <c>/media</c> when the store in use is one whose files the app serves itself: from the local disk, or
    /// streamed from FastDFS.
    /// </summary>
    public static void UseLocalMedia(this WebApplication app)
    {
        switch (app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider)
        {
            case StorageProvider.Local:
                LocalMediaEndpoints.UseLocalMedia(app, app.Services.GetRequiredService<LocalFileStore>());
                break;
            case StorageProvider.FastDfs:
                var fastDfs = app.Services.GetRequiredService<FastDfsFileStore>();
                AppServedMedia.UseAppServedMedia(app, fastDfs, fastDfs.Urls);
                break;
        }
    }

    public static IEndpointRouteBuilder MapStorage(this IEndpointRouteBuilder app) => app.MapMediaUploadApi().MapTusUploads();
}

/// <summary>The stores by name: the app's own (<c>Storage:Provider</c>) and, for migration, any other.</summary>
public sealed class FileStores(IServiceProvider services)
{
    public IFileStore Get(StorageProvider provider) => provider switch
    {
        StorageProvider.Local => services.GetRequiredService<LocalFileStore>(),
        StorageProvider.Qiniu => services.GetRequiredService<QiniuFileStore>(),
        StorageProvider.S3 => services.GetRequiredService<S3FileStore>(),
        StorageProvider.FastDfs => services.GetRequiredService<FastDfsFileStore>(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Storage:Provider must be Local, Qiniu, S3 or FastDfs."),
    };
}
