using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LuffyBlazor.Features.Storage;

public static class StorageSetup
{
    public static void AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LocalStorageOptions>().BindConfiguration(LocalStorageOptions.Section);
        builder.Services.AddSingleton<LocalFileStore>();
        builder.Services.AddSingleton<IFileStore>(sp => sp.GetRequiredService<LocalFileStore>());
    }

    /// <summary>Serves the local store under <c>/media</c>, with range requests (video seeking) and caching.</summary>
    public static void UseLocalMedia(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<LocalFileStore>();
        var options = app.Services.GetRequiredService<IOptions<LocalStorageOptions>>().Value;
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(store.RootPath),
            RequestPath = options.RequestPath.TrimEnd('/'),
            OnPrepareResponse = context =>
                context.Context.Response.Headers[HeaderNames.CacheControl] = "public,max-age=86400",
        });
    }
}
