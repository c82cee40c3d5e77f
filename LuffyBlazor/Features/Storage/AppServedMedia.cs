using Microsoft.Net.Http.Headers;

namespace LuffyBlazor.Features.Storage;

/// <summary>
/// Serves a store's files through the app under <see cref="SignedMediaUrls.RequestPath"/>, for stores browsers cannot
/// read themselves (FastDFS: its storage servers speak a binary protocol). Streams, never buffers: a range request
/// (a &lt;video&gt; seeking) reads only that range from the store. Public files get a day of caching; files under
/// <c>private/</c> need a valid, unexpired signature and are cached privately until their deadline, as the local store
/// serves them.
/// </summary>
public static class AppServedMedia
{
    public static void UseAppServedMedia(this WebApplication app, IFileStore store, SignedMediaUrls urls)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(urls.RequestPath),
            branch => branch.Run(context => ServeAsync(context, store, urls)));
    }

    private static async Task ServeAsync(HttpContext context, IFileStore store, SignedMediaUrls urls)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (urls.KeyOf(request.Path) is not { } key || MediaRules.TypeOf(key) is not { } type)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var deadline = request.Query["e"].ToString();
        if (StorageKeys.IsPrivate(key) && !urls.IsValid(key, deadline, request.Query["token"]))
        {
            // Unsigned, tampered or expired: the same answer, so nobody learns which files exist.
            response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (await store.StatAsync(key, context.RequestAborted) is not { } stored)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var headers = response.Headers;
        headers[HeaderNames.CacheControl] = StorageKeys.IsPrivate(key) ? $"private,max-age={urls.SecondsLeft(deadline)}" : "public,max-age=86400";
        headers[HeaderNames.AcceptRanges] = "bytes";
        headers[HeaderNames.ETag] = $"\"{stored.LastModified.UtcTicks:x}-{stored.Length:x}\"";
        if (type.Extension == ".svg")
        {
            headers[HeaderNames.ContentDisposition] = "attachment";
        }

        response.ContentType = type.ContentType;
        var (offset, length) = (0L, stored.Length);
        if (RangeOf(request, stored.Length) is { } range)
        {
            if (range.Length <= 0)
            {
                headers[HeaderNames.ContentRange] = $"bytes */{stored.Length}";
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                return;
            }

            (offset, length) = range;
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers[HeaderNames.ContentRange] = $"bytes {offset}-{offset + length - 1}/{stored.Length}";
        }

        response.ContentLength = length;
        if (HttpMethods.IsHead(request.Method) || length == 0)
        {
            return;
        }

        await using var content = await store.OpenReadAsync(key, offset, length, context.RequestAborted);
        await content.CopyToAsync(response.Body, 81920, context.RequestAborted);
    }

    /// <summary>One <c>bytes=</c> range (the only kind players send); several ranges are answered whole. Length 0: unsatisfiable.</summary>
    private static (long Offset, long Length)? RangeOf(HttpRequest request, long size)
    {
        var header = request.Headers.Range.ToString();
        if (!RangeHeaderValue.TryParse(header, out var parsed) || parsed.Unit != "bytes" || parsed.Ranges.Count != 1)
        {
            return null;
        }

        var range = parsed.Ranges.First();
        long from, to;
        if (range.From is { } start)
        {
            from = start;
            to = Math.Min(range.To ?? size - 1, size - 1);
        }
        else if (range.To is { } suffix)
        {
            from = Math.Max(0, size - suffix);
            to = size - 1;
        }
        else
        {
            return null;
        }

        return from >= size || from > to ? (from, 0) : (from, to - from + 1);
    }
}
