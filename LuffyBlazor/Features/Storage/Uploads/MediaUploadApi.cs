using LuffyBlazor.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// <c>/api/v1/storage/uploads/</c>, admins only: a ticket for one key, the app's own upload (when the store is not
/// Qiniu), and the confirmation that stats the stored object. <see cref="MediaUploader"/> uses the same service.
/// </summary>
public static class MediaUploadApi
{
    public sealed record TicketRequest(string? FileName, long? Size, string? KeyPrefix, bool? Private, long? MaxBytes);

    /// <summary>The ticket's key and its <c>confirm_token</c>: only an upload the server issued a ticket for can be confirmed.</summary>
    public sealed record ConfirmRequest(string? Key, string? ConfirmToken);

    public static IEndpointRouteBuilder MapMediaUploadApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/storage/uploads").WithTags("Storage").RequireAuthorization(Policies.AdminApi);
        group.MapPost("/ticket/", CreateTicket).WithName("CreateUploadTicket");
        group.MapPut("/", ReceiveAsync).WithName("UploadMedia");
        group.MapPost("/confirm/", ConfirmAsync).WithName("ConfirmUpload");
        return app;
    }

    private static IResult CreateTicket(TicketRequest request, MediaUploads uploads)
    {
        if (string.IsNullOrWhiteSpace(request.FileName) || request.Size is null || string.IsNullOrWhiteSpace(request.KeyPrefix))
        {
            return Api.BadRequest("file_name、size 和 key_prefix 都是必填的");
        }

        return Rejections(() => Api.Ok(uploads.CreateTicket(
            new UploadRequest(request.FileName, request.Size.Value, request.KeyPrefix, request.Private ?? false, request.MaxBytes))));
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, MediaUploads uploads, IOptions<StorageOptions> options)
    {
        // Videos are far larger than Kestrel's default 30 MB body limit; the ticket and the rules bound the size instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = Math.Max(options.Value.MaxVideoBytes, options.Value.MaxImageBytes) + 1;
        }

        try
        {
            var stored = await uploads.ReceiveAsync(
                context.Request.Headers[MediaUploads.TicketHeader], context.Request.Body, context.Request.ContentLength, context.RequestAborted);
            return Api.Ok(new { stored.Key, Size = stored.Length, stored.ContentType }, "上传成功");
        }
        catch (MediaRejectedException ex)
        {
            return Api.BadRequest(ex.Message);
        }
    }

    private static async Task<IResult> ConfirmAsync(ConfirmRequest request, MediaUploads uploads, CancellationToken ct)
    {
        try
        {
            return Api.Ok(await uploads.ConfirmAsync(request.Key, request.ConfirmToken, ct), "文件已确认");
        }
        catch (MediaRejectedException ex)
        {
            return Api.BadRequest(ex.Message);
        }
    }

    private static IResult Rejections(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (MediaRejectedException ex)
        {
            return Api.BadRequest(ex.Message);
        }
    }
}
