using System.Security.Claims;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Courses;

/// <summary>A lesson video someone may watch now: a signed URL that expires after <c>Storage:SignedUrlLifetime</c>.</summary>
public sealed record LessonPlayback(int LessonId, string Title, string Url, string ContentType);

/// <summary>
/// Who may watch which lesson: free previews play for everyone, the other lessons for owners of the course (and
/// admins). Anyone else never gets a URL, and the videos themselves live under <c>private/</c>, which no plain URL
/// reaches, so a URL cannot be guessed either.
/// </summary>
public sealed class LessonVideos(IDbContextFactory<LuffyDbContext> dbFactory, IFileStore files, IOptions<StorageOptions> storage)
{
    public async Task<bool> CanWatchEveryLessonAsync(int courseId, ClaimsPrincipal? user, CancellationToken ct = default)
    {
        if (user?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            return false;
        }

        if (user.IsInRole(Roles.Admin))
        {
            return true;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CourseOwnerships.AnyAsync(x => x.UserId == userId && x.CourseId == courseId, ct);
    }

    /// <summary>The lesson's video for <paramref name="user"/>, or null when there is none or they may not watch it.</summary>
    public async Task<LessonPlayback?> GetPlaybackAsync(int courseId, int lessonId, ClaimsPrincipal? user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var lesson = await db.CourseLessons.AsNoTracking()
            .Where(l => l.Id == lessonId && l.Chapter!.CourseId == courseId)
            .Select(l => new { l.Title, l.VideoKey, l.IsFreePreview })
            .FirstOrDefaultAsync(ct);
        if (lesson?.VideoKey is not { } key || !StorageKeys.IsValid(key))
        {
            return null;
        }

        if (!lesson.IsFreePreview && !await CanWatchEveryLessonAsync(courseId, user, ct))
        {
            return null;
        }

        return new LessonPlayback(lessonId, lesson.Title, files.GetPrivateUrl(key, storage.Value.SignedUrlLifetime), MediaRules.ContentTypeOf(key));
    }
}
