using LuffyBlazor.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// <c>/api/v1/storage/uploads/</c>, admins only: a ticket for one key, the app's own upload in one request, the
/// confirmation that stats and reads the stored object, a fresh ticket to resume an upload cut short, and the S3 steps a
/// browser cannot sign itself. Chunked uploads through the app are <see cref="TusEndpoints"/>. <see cref="MediaUploader"/>
/// uses the same services.
/// </summary>
public static class MediaUploadApi
{
    public sealed record TicketRequest(string? FileName, long? Size, string? KeyPrefix, bool? Private, long? MaxBytes);

    /// <summary>The ticket's key and its <c>confirm_token</c>: only an upload the server issued a ticket for can be confirmed.</summary>
    public sealed record ConfirmRequest(string? Key, string? ConfirmToken);

    /// <summary>An upload to go on with (<c>resume/</c>), or the S3 steps of one (<c>s3/…</c>): its confirm token, S3's upload id.</summary>
    public sealed record UploadStepRequest(string? ConfirmToken, string? UploadId, int[]? PartNumbers, S3.S3Part[]? Parts);

    public static IEndpointRouteBuilder MapMediaUploadApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/storage/uploads").WithTags("Storage").RequireAuthorization(Policies.AdminApi);
        group.MapPost("/ticket/", CreateTicket).WithName("CreateUploadTicket");
        group.MapPut("/", ReceiveAsync).WithName("UploadMedia");
        group.MapPost("/confirm/", ConfirmAsync).WithName("ConfirmUpload");
        group.MapPost("/resume/", (UploadStepRequest r, MediaUploads u, CancellationToken ct) =>
            Step(async () => Api.Ok(await u.ResumeTicketAsync(r.ConfirmToken, r.UploadId, ct)))).WithName("ResumeUpload");
        group.MapPost("/s3/parts/", (UploadStepRequest r, MediaUploads u) =>
            Step(() => Task.FromResult(Api.Ok(u.SignS3Parts(r.ConfirmToken, r.UploadId ?? "", r.PartNumbers ?? []))))).WithName("SignS3Parts");
        group.MapPost("/s3/list/", (UploadStepRequest r, MediaUploads u, CancellationToken ct) =>
            Step(async () => Api.Ok(await u.ListS3PartsAsync(r.ConfirmToken, r.UploadId ?? "", ct)))).WithName("ListS3Parts");
        group.MapPost("/s3/complete/", (UploadStepRequest r, MediaUploads u, CancellationToken ct) =>
            Step(async () =>
            {
                await u.CompleteS3Async(r.ConfirmToken, r.UploadId ?? "", r.Parts ?? [], ct);
                return Api.Ok<object?>(null, "分片已合并");
            })).WithName("CompleteS3Upload");
        group.MapPost("/s3/abort/", (UploadStepRequest r, MediaUploads u, CancellationToken ct) =>
            Step(async () =>
            {
                await u.AbortS3Async(r.ConfirmToken, r.UploadId ?? "", ct);
                return Api.Ok<object?>(null, "上传已取消");
            })).WithName("AbortS3Upload");
        return app;
    }

    private static async Task<IResult> CreateTicket(TicketRequest request, MediaUploads uploads, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.FileName) || request.Size is null || string.IsNullOrWhiteSpace(request.KeyPrefix))
        {
            return Api.BadRequest("file_name、size 和 key_prefix 都是必填的");
        }

        return await Step(async () => Api.Ok(await uploads.CreateTicketAsync(
            new UploadRequest(request.FileName, request.Size.Value, request.KeyPrefix, request.Private ?? false, request.MaxBytes), ct)));
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

    private static async Task<IResult> Step(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (MediaRejectedException ex)
        {
            return Api.BadRequest(ex.Message);
        }
    }
}
