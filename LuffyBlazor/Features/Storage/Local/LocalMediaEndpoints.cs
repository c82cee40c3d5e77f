using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace LuffyBlazor.Features.Storage.Local;

/// <summary>
/// Serves the local store under <c>/media</c>: public files as static files (content type from the extension, range
/// requests for video seeking, a day of caching); files under <c>/media/private/</c> only with a valid, unexpired
/// signature, and never from a cache shared between users.
/// </summary>
public static class LocalMediaEndpoints
{
    public static void UseLocalMedia(this WebApplication app, LocalFileStore store)
    {
        var privatePath = new PathString(store.RequestPath + "/" + StorageKeys.PrivatePrefix.TrimEnd('/'));
        var contentTypes = new FileExtensionContentTypeProvider(
            MediaRules.Types.ToDictionary(t => t.Extension, t => t.ContentType, StringComparer.OrdinalIgnoreCase));

        app.UseWhen(context => context.Request.Path.StartsWithSegments(privatePath),
            branch => branch.Run(context => ServePrivateAsync(context, store)));
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PublicFilesOnly(new PhysicalFileProvider(store.RootPath)),
            RequestPath = store.RequestPath,
            ContentTypeProvider = contentTypes,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers[HeaderNames.CacheControl] = "public,max-age=86400";
                // An SVG can carry script. <img> ignores this header, but a browser opening the file directly
                // downloads it instead of running it on the site's origin.
                if (context.File.Name.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
                {
                    headers[HeaderNames.ContentDisposition] = "attachment";
                }
            },
        });
    }

    private static async Task ServePrivateAsync(HttpContext context, LocalFileStore store)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var key = request.Path.Value![(store.RequestPath.Length + 1)..];
        var deadline = request.Query["e"].ToString();
        if (!StorageKeys.IsValid(key) || !store.Urls.IsValid(key, deadline, request.Query["token"]))
        {
            // Unsigned, tampered or expired: the same answer, so nobody learns which files exist.
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var file = new FileInfo(store.PathOf(key));
        if (!file.Exists || MediaRules.TypeOf(key) is not { } type)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.Headers[HeaderNames.CacheControl] = $"private,max-age={store.Urls.SecondsLeft(deadline)}";
        var etag = new EntityTagHeaderValue($"\"{file.LastWriteTimeUtc.Ticks:x}-{file.Length:x}\"");
        await TypedResults.PhysicalFile(file.FullName, type.ContentType, lastModified: file.LastWriteTimeUtc, entityTag: etag,
            enableRangeProcessing: true).ExecuteAsync(context);
    }

    /// <summary>
    /// The media folder without its <c>private/</c> subtree, however the path is spelled (<c>//private</c>,
    /// <c>./private</c>, <c>Private</c>): the static files never serve a lesson video, signed or not.
    /// </summary>
    private sealed class PublicFilesOnly(IFileProvider inner) : IFileProvider
    {
        public IFileInfo GetFileInfo(string subpath) =>
            IsPrivate(subpath) ? new NotFoundFileInfo(subpath) : inner.GetFileInfo(subpath);

        public IDirectoryContents GetDirectoryContents(string subpath) =>
            IsPrivate(subpath) ? NotFoundDirectoryContents.Singleton : inner.GetDirectoryContents(subpath);

        public Microsoft.Extensions.Primitives.IChangeToken Watch(string filter) => inner.Watch(filter);

        private static bool IsPrivate(string subpath) =>
            subpath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(s => s != ".") is { } first
            && string.Equals(first, StorageKeys.PrivatePrefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }
}
