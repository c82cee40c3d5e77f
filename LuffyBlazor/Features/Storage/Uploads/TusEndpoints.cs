using System.Globalization;
using LuffyBlazor.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// <c>/api/v1/storage/tus/</c>, admins only: the tus 1.0 resumable upload protocol (core, creation, termination), so
/// any tus client (the uploader's script, tus-js-client) can send a large file through the app in chunks and go on
/// after a reload or a lost connection:
/// <list type="bullet">
/// <item><c>POST</c> with <c>Upload-Length</c> and the app's ticket in <c>X-Upload-Ticket</c> → 201 and the upload's
/// <c>Location</c> (the ticket is used up);</item>
/// <item><c>HEAD {location}</c> → <c>Upload-Offset</c>: where to go on from;</item>
/// <item><c>PATCH {location}</c> with <c>Upload-Offset</c> and <c>application/offset+octet-stream</c> → 204 and the
/// new offset (409 when the offset is not the server's);</item>
/// <item><c>DELETE {location}</c> → 204, the partial data removed.</item>
/// </list>
/// Every request but OPTIONS carries <c>Tus-Resumable: 1.0.0</c>, and every answer does.
/// </summary>
public static class TusEndpoints
{
    public const string Version = "1.0.0";

    public static IEndpointRouteBuilder MapTusUploads(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(MediaUploads.TusPath.TrimEnd('/')).WithTags("Storage").RequireAuthorization(Policies.AdminApi)
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                http.Response.Headers["Tus-Resumable"] = Version;
                if (!HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers["Tus-Resumable"] != Version)
                {
                    http.Response.Headers["Tus-Version"] = Version;
                    return Results.StatusCode(StatusCodes.Status412PreconditionFailed);
                }

                try
                {
                    return await next(context);
                }
                catch (MediaRejectedException ex)
                {
                    return Api.BadRequest(ex.Message);
                }
            });
        group.MapMethods("/", ["OPTIONS"], Describe);
        group.MapPost("/", CreateAsync);
        group.MapMethods("/{id}", ["HEAD"], OffsetAsync);
        group.MapPatch("/{id}", AppendAsync);
        group.MapDelete("/{id}", DeleteAsync);
        return app;
    }

    private static IResult Describe(HttpContext context, IOptions<StorageOptions> storage)
    {
        var headers = context.Response.Headers;
        headers["Tus-Version"] = Version;
        headers["Tus-Extension"] = "creation,termination";
        headers["Tus-Max-Size"] = storage.Value.MaxVideoBytes.ToString(CultureInfo.InvariantCulture);
        return Results.NoContent();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ChunkedUploads uploads)
    {
        if (!long.TryParse(context.Request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return Api.BadRequest("Upload-Length 必须是文件的字节数（不支持 Upload-Defer-Length）。");
        }

        var session = await uploads.CreateAsync(context.Request.Headers[MediaUploads.TicketHeader], length, context.RequestAborted);
        context.Response.Headers.Location = MediaUploads.TusPath + session.Id;
        context.Response.Headers["Upload-Offset"] = "0";
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> OffsetAsync(HttpContext context, string id, ChunkedUploads uploads)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (await uploads.FindAsync(id, context.RequestAborted) is not { } session)
        {
            return Results.NotFound();
        }

        context.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["Upload-Length"] = session.Length.ToString(CultureInfo.InvariantCulture);
        return Results.Ok();
    }

    private static async Task<IResult> AppendAsync(HttpContext context, string id, ChunkedUploads uploads)
    {
        var request = context.Request;
        if (request.ContentType != "application/offset+octet-stream")
        {
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }

        if (!long.TryParse(request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return Api.BadRequest("Upload-Offset 缺失或无效。");
        }

        // A chunk may be large (tus clients may send the rest of the file in one PATCH); the session bounds it instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = null;
        }

        try
        {
            var session = await uploads.AppendAsync(id, offset, request.Body, context.RequestAborted);
            context.Response.Headers["Upload-Offset"] = session.Offset.ToString(CultureInfo.InvariantCulture);
            return Results.NoContent();
        }
        catch (FileNotFoundException)
        {
            return Results.NotFound();
        }
        catch (UploadOffsetConflictException ex)
        {
            context.Response.Headers["Upload-Offset"] = ex.Expected.ToString(CultureInfo.InvariantCulture);
            return Results.Conflict();
        }
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string id, ChunkedUploads uploads)
    {
        if (await uploads.FindAsync(id, context.RequestAborted) is not { } session)
        {
            return Results.NotFound();
        }

        await uploads.DiscardAsync(session, context.RequestAborted);
        return Results.NoContent();
    }
}
