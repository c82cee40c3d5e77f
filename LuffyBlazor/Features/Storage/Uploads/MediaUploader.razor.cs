namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// A reusable upload button with a progress bar for admin pages: course covers, teacher avatars, lesson videos.
/// <code>
/// &lt;MediaUploader KeyPrefix="covers" Accept="image/*" Uploaded="key =&gt; course.Cover = key" /&gt;
/// &lt;MediaUploader KeyPrefix="videos" Accept="video/mp4,video/webm" IsPrivate="true" Uploaded="key =&gt; lesson.VideoKey = key" /&gt;
/// </code>
/// <list type="bullet">
/// <item><see cref="KeyPrefix"/>: folder of the new key (<c>covers</c>, <c>videos</c>, <c>teachers</c>); a fresh, unguessable key
/// such as <c>covers/202611/3f9c….png</c> is made under it, so an upload never overwrites another file.</item>
/// <item><see cref="IsPrivate"/>: store under <c>private/</c>, served only through signed, expiring URLs. Videos (lesson
/// videos) always are, whatever this says.</item>
/// <item><see cref="Accept"/>: the file picker's filter. The server enforces the media rules (types, and
/// <c>Storage:MaxImageBytes</c> / <c>MaxVideoBytes</c>) whatever the filter says.</item>
/// <item><see cref="MaxBytes"/>: a lower size limit than the rules', if wanted.</item>
/// <item><see cref="Uploaded"/>: raised with the stored key once the server has stat-ed the object and accepted it;
/// save that key (e.g. <c>Course.Cover</c>, <c>CourseLesson.VideoKey</c>).</item>
/// <item><see cref="Label"/>, <see cref="Disabled"/>: the button's text and state.</item>
/// </list>
/// Only admins can upload (the button is disabled for anyone else). With <c>Storage:Provider=Qiniu</c> the browser sends
/// the file straight to Qiniu with a token for exactly that key; with the other stores it is streamed through the app
/// (<c>PUT /api/v1/storage/uploads/</c>) into the store. Errors (type, size, refusals) are shown under the button in
/// Chinese. The script is <c>wwwroot/js/media-uploader.js</c>; the server side is <see cref="MediaUploads"/>.
/// </summary>
public partial class MediaUploader;
