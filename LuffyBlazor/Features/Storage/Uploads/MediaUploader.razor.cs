using LuffyBlazor.Common;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Storage.S3;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// A reusable upload button for admin pages: course covers, teacher avatars, lesson videos of several GB.
/// <code>
/// &lt;MediaUploader KeyPrefix="covers" Accept="image/*" Uploaded="key =&gt; course.Cover = key" /&gt;
/// &lt;MediaUploader KeyPrefix="videos" Accept="video/mp4,video/webm" IsPrivate="true" Uploaded="key =&gt; lesson.VideoKey = key" /&gt;
/// </code>
/// <list type="bullet">
/// <item><see cref="KeyPrefix"/>: folder of the new key (<c>covers</c>, <c>videos</c>, <c>teachers</c>); a fresh, unguessable key
/// such as <c>covers/202611/3f9c….png</c> is made under it, so an upload never overwrites another file.</item>
/// <item><see cref="IsPrivate"/>: store under <c>private/</c>, served only through signed, expiring URLs. Videos (lesson
/// videos) always are, whatever this says.</item>
/// <item><see cref="Accept"/>: the file picker's filter. The server enforces the media rules (types, content, and
/// <c>Storage:MaxImageBytes</c> / <c>MaxVideoBytes</c>) whatever the filter says.</item>
/// <item><see cref="MaxBytes"/>: a lower size limit than the rules', if wanted.</item>
/// <item><see cref="Uploaded"/>: raised with the stored key once the server has checked the object and accepted it;
/// save that key (e.g. <c>Course.Cover</c>, <c>CourseLesson.VideoKey</c>).</item>
/// <item><see cref="Label"/>, <see cref="Disabled"/>: the button's text and state.</item>
/// </list>
/// Only admins can upload (checked again in the database before the ticket and before the confirmation). The file
/// goes in parts: straight to Qiniu (resumable upload v2) or S3 (multipart, part URLs signed here), or through the app
/// in chunks (tus, for Local and FastDFS). The admin sees the percentage, the part, the speed and any retry of a failed
/// part; can cancel (the upload is aborted at the store); and after a reload is offered to go on where it stopped by
/// choosing the same file again. The script is <c>wwwroot/js/media-uploader.js</c>; the server side is
/// <see cref="MediaUploads"/>.
/// </summary>
public partial class MediaUploader
{
    private const string NotAnAdmin = "需要管理员权限才能上传";
    private readonly string inputId = "media-upload-" + Guid.NewGuid().ToString("N")[..8];
    private readonly CancellationTokenSource disposed = new();
    private ElementReference input;
    private IJSObjectReference? module;
    private IJSObjectReference? listener;
    private DotNetObjectReference<MediaUploader>? self;
    private bool isAdmin;
    private bool authChecked;
    private bool busy;
    private bool resuming;
    private UploadStatus status = new(0, 0, 0, 0, null);
    private PendingUpload? pending;
    private string? fileName;
    private string? uploadedKey;
    private string? notice;
    private string? error;
    private UploadTicket? current;

    [Inject]
    private MediaUploads Uploads { get; set; } = null!;

    [Inject]
    private AdminActors Admins { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Folder of the new key, e.g. <c>covers</c> or <c>videos</c>.</summary>
    [Parameter, EditorRequired]
    public string KeyPrefix { get; set; } = "";

    /// <summary>The file picker's <c>accept</c> filter, e.g. <c>image/*</c> or <c>video/mp4,video/webm</c>.</summary>
    [Parameter]
    public string Accept { get; set; } = "image/*,video/mp4,video/webm";

    /// <summary>A size limit below the media rules' one, in bytes.</summary>
    [Parameter]
    public long? MaxBytes { get; set; }

    /// <summary>Store under <c>private/</c>: served only through signed URLs (lesson videos).</summary>
    [Parameter]
    public bool IsPrivate { get; set; }

    /// <summary>The stored key, once the server has checked the object.</summary>
    [Parameter]
    public EventCallback<string> Uploaded { get; set; }

    /// <summary>The same, with the name of the file the admin chose (keys are unguessable, not readable).</summary>
    [Parameter]
    public EventCallback<UploadedFile> UploadedWithName { get; set; }

    [Parameter]
    public string Label { get; set; } = "选择文件上传";

    [Parameter]
    public bool Disabled { get; set; }

    private bool CanUpload => isAdmin && !busy && !Disabled;

    private string State => busy ? "uploading" : uploadedKey is not null ? "done" : error is not null ? "error" : pending is not null ? "pending" : "idle";

    /// <summary>Where the script remembers an unfinished upload of this uploader (one per folder and privacy).</summary>
    private string ResumeSlot => $"{KeyPrefix}:{(IsPrivate ? "private" : "public")}";

    protected override async Task OnParametersSetAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        isAdmin = user?.IsInRole(Roles.Admin) == true;
        authChecked = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            self = DotNetObjectReference.Create(this);
            module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/media-uploader.js");
            listener = await module.InvokeAsync<IJSObjectReference>("init", input, self, ResumeSlot);
            StateHasChanged();
        }
    }

    /// <summary>Called by the script when a file is chosen (with the unfinished upload it continues, if any): ticket, upload, confirmation.</summary>
    [JSInvokable]
    public async Task OnFileChosen(ChosenFile file)
    {
        (error, notice, uploadedKey, fileName) = (null, null, null, file.Name);
        // The page's role is the one it opened with; the database says whether this admin may still upload.
        if (!isAdmin || module is null || await Admins.CurrentAsync() is null)
        {
            error = NotAnAdmin;
            StateHasChanged();
            return;
        }

        try
        {
            current = await TicketAsync(file);
        }
        catch (MediaRejectedException ex)
        {
            error = ex.Message;
            StateHasChanged();
            return;
        }

        (busy, pending, status) = (true, null, new UploadStatus(0, 0, 0, 0, null));
        StateHasChanged();
        try
        {
            // An upload of several GB takes as long as it takes: no interop timeout, only the page going away.
            var outcome = await module.InvokeAsync<UploadOutcome>("upload", disposed.Token, input, current, self);
            if (outcome.Status == UploadOutcome.Cancelled)
            {
                notice = "已取消上传。";
                return;
            }

            if (outcome.Status is < 200 or >= 300)
            {
                error = MediaUploads.DescribeFailure(current.Mode, outcome.Status, outcome.Body) + " 可重新选择同一个文件从断点继续。";
                return;
            }

            if (await Admins.CurrentAsync() is null)
            {
                error = NotAnAdmin; // demoted or locked while the file was on its way
                return;
            }

            var media = await Uploads.ConfirmAsync(current.Key, current.ConfirmToken);
            uploadedKey = media.Key;
            status = status with { Percent = 100 };
            await Uploaded.InvokeAsync(media.Key);
            await UploadedWithName.InvokeAsync(new UploadedFile(media.Key, file.Name));
        }
        catch (MediaRejectedException ex)
        {
            error = ex.Message;
        }
        catch (JSException)
        {
            error = "浏览器上传失败，请刷新页面后重新选择文件，上传会从断点继续。";
        }
        finally
        {
            (busy, resuming) = (false, false);
            StateHasChanged();
        }
    }

    /// <summary>A new ticket, or a fresh one for the same key when the file continues an unfinished upload.</summary>
    private async Task<UploadTicket> TicketAsync(ChosenFile file)
    {
        var request = new UploadRequest(file.Name, file.Size, KeyPrefix, IsPrivate, MaxBytes);
        if (file.ResumeToken is null)
        {
            return await Uploads.CreateTicketAsync(request);
        }

        try
        {
            var ticket = await Uploads.ResumeTicketAsync(file.ResumeToken, file.UploadId);
            resuming = true;
            return ticket;
        }
        catch (MediaRejectedException)
        {
            // Expired, or already complete elsewhere: start again rather than fail.
            return await Uploads.CreateTicketAsync(request);
        }
    }

    [JSInvokable]
    public Task OnStatus(UploadStatus value) => InvokeAsync(() =>
    {
        status = value with { Percent = Math.Clamp(value.Percent, 0, 100) };
        StateHasChanged();
    });

    /// <summary>The script found an unfinished upload of this uploader from before a reload.</summary>
    [JSInvokable]
    public Task OnPendingUpload(PendingUpload? value) => InvokeAsync(() =>
    {
        pending = value;
        StateHasChanged();
    });

    [JSInvokable]
    public IReadOnlyList<string> SignS3Parts(string confirmToken, string uploadId, int[] partNumbers) =>
        Uploads.SignS3Parts(confirmToken, uploadId, partNumbers);

    [JSInvokable]
    public Task<IReadOnlyList<S3Part>> ListS3Parts(string confirmToken, string uploadId) => Uploads.ListS3PartsAsync(confirmToken, uploadId);

    [JSInvokable]
    public Task CompleteS3(string confirmToken, string uploadId, S3Part[] parts) => Uploads.CompleteS3Async(confirmToken, uploadId, parts);

    [JSInvokable]
    public Task AbortS3(string confirmToken, string uploadId) => Uploads.AbortS3Async(confirmToken, uploadId);

    private async Task CancelAsync()
    {
        if (listener is not null)
        {
            await listener.InvokeVoidAsync("cancel");
        }
    }

    private async Task ForgetPendingAsync()
    {
        if (listener is not null)
        {
            await listener.InvokeVoidAsync("forget");
        }

        pending = null;
    }

    public async ValueTask DisposeAsync()
    {
        await disposed.CancelAsync();
        try
        {
            if (listener is not null)
            {
                await listener.InvokeVoidAsync("dispose");
                await listener.DisposeAsync();
            }

            if (module is not null)
            {
                await module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; so is the page the script lived in.
        }

        self?.Dispose();
        disposed.Dispose();
    }

    /// <summary>The chosen file; with <see cref="ResumeToken"/> (and S3's <see cref="UploadId"/>) when it continues an unfinished upload.</summary>
    public sealed record ChosenFile(string Name, long Size, string Type, string? ResumeToken = null, string? UploadId = null);

    /// <summary>The script's answer: the last HTTP status (0 network failure, <see cref="Cancelled"/>) and body.</summary>
    public sealed record UploadedFile(string Key, string FileName);

    public sealed record UploadOutcome(int Status, string Body)
    {
        public const int Cancelled = -1;
    }

    /// <summary>Progress as the script reports it: percent, parts done of all, speed, and a retry in progress if any.</summary>
    public sealed record UploadStatus(int Percent, int PartsDone, int PartsTotal, long BytesPerSecond, string? Retry);

    /// <summary>An unfinished upload remembered by the browser: the file to choose again, and how far it got.</summary>
    public sealed record PendingUpload(string Name, long Size, int Percent);
}
